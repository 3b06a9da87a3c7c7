#!/usr/bin/env python3
"""Load a signals book into one SQL engine, run one query there, write the result as CSV.

    python sqlrun.py --engine duckdb|postgres|spark --signals DIR --schema SCHEMA.json \
        --query QUERY.sql --out RESULT.csv [--query Q2.sql --out R2.csv …] [--timings]

This is test infrastructure for `vitals export-sql`: the same query is run on DuckDB, PostgreSQL
and Spark over the same book, and the result files are compared with each other and with Vitals'
own scores. So everything here aims at *comparable* output, not at speed:

* Every table of SCHEMA.json is created with its declared SQL type (text, date, integer -> BIGINT,
  double, boolean), whatever is in the files, so the query sees the same types on every engine.
* A file absent from DIR gives an empty table; a schema column absent from a file's header is
  NULL in every row; header columns the schema does not know are ignored. Headers are matched by
  name, case-insensitively and ignoring surrounding spaces, in any order (as Vitals' reader does).
  NAME.csv.gz is read when NAME.csv is absent (the contract allows gzip files).
* Empty fields are NULL, quoted ("") or not, in every column type.
* A timestamp in a date column (2024-03-05T23:30:00-02:00) is loaded as its UTC date, as the
  contract reads it (the engines' own readers would keep the local date).
* The result is written with NULL as an empty field, doubles as Python's repr (the shortest text
  that round-trips), dates as YYYY-MM-DD, booleans as true/false, and rows sorted by their
  rendered fields (first column first, in code-point order), so outputs can be compared byte for
  byte. See `render` for the exact rules (including NUMERIC/DECIMAL results).

Each engine loads with its own CSV reader (DuckDB read_csv, PostgreSQL COPY, Spark's CSV source),
because the point is to test the query on what each engine would really read.

PostgreSQL runs as a throwaway server in a temporary directory (initdb, pg_ctl start on a Unix
socket only, stop and delete at the end, also on errors and SIGTERM). initdb and postgres refuse to
run as root, so when this script runs as root the server runs as an unprivileged user
(SQLRUN_PG_USER, default `nobody`) through `runuser`; the server never reads the signals files
itself (the rows are sent through COPY FROM STDIN), so that user needs no access to them.

Exit status: 0 on success, 1 on any error (with a message on stderr), 2 on bad arguments.
"""

import argparse
import csv
import datetime
import decimal
import gzip
import json
import logging
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# SQL type names per engine for the schema's five types.
TYPES = {
    "duckdb": {"text": "VARCHAR", "date": "DATE", "integer": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN"},
    "postgres": {"text": "text", "date": "date", "integer": "bigint", "double": "double precision",
                 "boolean": "boolean"},
    "spark": {"text": "STRING", "date": "DATE", "integer": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN"},
}

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Failure(Exception):
    """An error to report in one line (bad input, engine error); no traceback needed."""


# ---------------------------------------------------------------------------------------------
# Schema, files, headers


def load_schema(path):
    """Reads SCHEMA.json and checks it, so a typo fails here rather than as an engine's SQL error."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    tables = doc.get("tables") if isinstance(doc, dict) else None
    if not isinstance(tables, list) or not tables:
        raise Failure(f"{path}: expected {{\"tables\": [...]}} with at least one table")
    seen = set()
    for t in tables:
        name = t.get("name")
        # Names go into SQL unquoted by the queries under test, so keep them plain identifiers.
        if not isinstance(name, str) or not IDENTIFIER.match(name) or name.lower() in seen:
            raise Failure(f"{path}: bad or duplicate table name {name!r}")
        seen.add(name.lower())
        if not isinstance(t.get("file"), str) or os.path.basename(t["file"]) != t["file"]:
            raise Failure(f"{path}: table {name}: \"file\" must be a file name such as {name}.csv")
        cols = t.get("columns")
        if not isinstance(cols, list) or not cols:
            raise Failure(f"{path}: table {name}: no columns")
        names = set()
        for c in cols:
            if not isinstance(c.get("name"), str) or not IDENTIFIER.match(c["name"]) or c["name"].lower() in names:
                raise Failure(f"{path}: table {name}: bad or duplicate column name {c.get('name')!r}")
            names.add(c["name"].lower())
            if c.get("type") not in TYPES["duckdb"]:
                raise Failure(f"{path}: table {name}, column {c['name']}: type {c.get('type')!r} is not one of "
                              + ", ".join(TYPES["duckdb"]))
    return tables


def find_file(signals_dir, file_name):
    """NAME.csv, else NAME.csv.gz, else None (an absent file gives an empty table)."""
    for candidate in (file_name, file_name + ".gz"):
        path = os.path.join(signals_dir, candidate)
        if os.path.isfile(path):
            return path
    return None


TIMESTAMP = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})\s*$")


def utc_date(value):
    """The contract's reading of a timestamp in a date column: its UTC date
    (2024-03-05T23:30:00-02:00 is 2024-03-06). Anything else is returned as it is."""
    m = TIMESTAMP.match(value)
    if not m:
        return value
    stamp = datetime.datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}" + ("+00:00" if m.group(3) == "Z" else m.group(3)))
    return stamp.astimezone(datetime.timezone.utc).date().isoformat()


STAMP_BYTES = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def holds_timestamps(path):
    """Whether the file has anything that looks like an ISO timestamp: a quick scan of the
    bytes, so the usual file (dates only) is handed to the engine untouched and unread."""
    opener = gzip.open if path.endswith(".gz") else open
    tail = b""
    with opener(path, "rb") as f:
        while True:
            chunk = f.read(1 << 22)
            if not chunk:
                return False
            if STAMP_BYTES.search(tail + chunk):
                return True
            tail = chunk[-32:]


def with_contract_dates(path, table, scratch):
    """The file itself, or, when a date column holds ISO timestamps (an export with times and
    offsets), a copy in `scratch` with each converted to its UTC date, as Vitals reads it. The
    conversion is the load's job (the ETL into a warehouse does it); the engines' CSV readers
    would keep the local date instead. Everything else goes to the engine as it is. Streamed:
    a large file is never held in memory."""
    if path is None or not holds_timestamps(path):
        return path
    dates = {c["name"] for c in table["columns"] if c["type"] == "date"}
    copy = os.path.join(scratch, os.path.basename(path).removesuffix(".gz"))
    with open_text(path) as source, open(copy, "w", encoding="utf-8", newline="") as target:
        reader, writer = csv.reader(source), csv.writer(target, lineterminator="\n")
        header = next(reader, None)
        if header is None:
            return path
        writer.writerow(header)
        positions = [k for k, name in enumerate(header) if name.strip().lower() in dates]
        for row in reader:
            for k in positions:
                if k < len(row):
                    row[k] = utc_date(row[k])
            writer.writerow(row)
    return copy


def open_text(path):
    # utf-8-sig drops a byte-order mark; newline="" lets the csv module see quoted line breaks.
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def header_mapping(path, table):
    """For each field of the file's header, the schema column it fills, or None for an unknown one.

    The header is read here with Python's csv module, and the engines are then told the file's
    columns by position; that keeps the name matching identical on all three engines.
    """
    with open_text(path) as f:
        header = next(csv.reader(f), None)
    if not header:
        raise Failure(f"{path}: the file is empty; expected a header row")
    by_name = {c["name"].lower(): c for c in table["columns"]}
    mapping, used = [], set()
    for field in header:
        col = by_name.get(field.strip().lower())
        if col is not None:
            if col["name"] in used:
                raise Failure(f"{path}: column {col['name']} appears twice in the header")
            used.add(col["name"])
        mapping.append(col)
    return mapping


def file_field_names(mapping):
    """Names for a file's fields, in its order: the schema's name, or a placeholder for a column
    the schema does not know (never selected)."""
    return [c["name"] if c is not None else f"sqlrun_unknown_{i}" for i, c in enumerate(mapping)]


def read_query(path):
    with open(path, encoding="utf-8") as f:
        sql = f.read()
    # One statement; a trailing ";" is fine for DuckDB and PostgreSQL but a syntax error in Spark.
    sql = sql.rstrip()
    while sql.endswith(";"):
        sql = sql[:-1].rstrip()
    if not sql:
        raise Failure(f"{path}: the query is empty")
    return sql


# ---------------------------------------------------------------------------------------------
# Result rendering


def render(value):
    """One result value as CSV text, the same whichever engine and driver produced it.

    Decimal (PostgreSQL's NUMERIC, e.g. SUM(bigint) and AVG; DuckDB/Spark DECIMAL literals): a
    whole-number scale (exponent >= 0) is written as an integer, as SUM over BIGINT is on the
    other engines; a fractional one as the double nearest to it, as AVG is on the other engines.
    """
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: bool is an int subclass
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        if value.is_finite() and value.as_tuple().exponent >= 0:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return str(value)


def csv_field(text):
    # RFC 4180 quoting. Python's csv module leaves a bare "\r" unquoted when the line end is "\n",
    # which Vitals' reader (rightly) rejects, so quote by hand.
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_result(path, columns, rows):
    rendered = sorted([render(v) for v in row] for row in rows)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        for fields in [list(columns)] + rendered:
            line = ",".join(csv_field(x) for x in fields)
            # A single empty field would be a blank line, which CSV readers skip: write "".
            f.write((line if line else '""') + "\n")
    os.replace(tmp, path)  # never leave half a result behind
    return len(rendered)


# ---------------------------------------------------------------------------------------------
# Memory


def self_peak_rss_mb():
    # VmHWM rather than getrusage's ru_maxrss: Linux carries ru_maxrss over from the parent
    # across fork and exec, so a child of a large process would report the parent's peak.
    peak = proc_peak_rss_mb(os.getpid())
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
    return peak


def proc_peak_rss_mb(pid):
    """Peak resident set (VmHWM) of another process, or None when /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return None


# ---------------------------------------------------------------------------------------------
# DuckDB


class DuckDB:
    name = "duckdb"

    def start(self):
        import duckdb
        self.duckdb = duckdb
        self.con = duckdb.connect(":memory:")

    def load(self, table, path):
        types = TYPES["duckdb"]
        name = quote(table["name"])
        cols = ", ".join(f"{quote(c['name'])} {types[c['type']]}" for c in table["columns"])
        self.con.execute(f"CREATE TABLE {name} ({cols})")
        if path is None:
            return 0
        mapping = header_mapping(path, table)
        # The file's columns in the file's order, typed from the schema and named after it (so
        # DuckDB's errors name the column); unknown columns as VARCHAR so they parse whatever they
        # hold. auto_detect=false: nothing is guessed, and header=true just skips the header line.
        fields = file_field_names(mapping)
        read_cols = ", ".join(f"{sql_string(f)}: '{types[c['type']] if c else 'VARCHAR'}'"
                              for f, c in zip(fields, mapping))
        present = {c["name"] for c in mapping if c is not None}
        exprs = []
        for c in table["columns"]:
            if c["name"] not in present:
                exprs.append(f"CAST(NULL AS {types[c['type']]})")  # absent from the header
            elif c["type"] == "text":
                # allow_quoted_nulls (the default) already makes a quoted "" NULL; NULLIF keeps
                # that true for text whatever a later DuckDB's default is.
                exprs.append(f"NULLIF({quote(c['name'])}, '')")
            else:
                exprs.append(quote(c["name"]))
        self.con.execute(
            f"INSERT INTO {name} SELECT {', '.join(exprs)} FROM read_csv("
            f"{sql_string(path)}, header = true, auto_detect = false, columns = {{{read_cols}}}, "
            f"delim = ',', quote = '\"', escape = '\"', nullstr = '', strict_mode = true)"
        )
        return self._count(name)

    def _count(self, name):
        return self.con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]

    def query(self, sql):
        cur = self.con.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()

    def memory(self):
        return {"process_peak_rss_mb": round(self_peak_rss_mb(), 1)}

    def close(self):
        con, self.con = getattr(self, "con", None), None
        if con is not None:
            con.close()


def quote(identifier):
    return '"' + identifier.replace('"', '""') + '"'


def sql_string(text):
    return "'" + text.replace("'", "''") + "'"


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def find_pg_bindir():
    """The directory with initdb, pg_ctl and postgres: $SQLRUN_PG_BIN, PATH, or Debian's layout
    (/usr/lib/postgresql/VERSION/bin, which apt-get's `postgresql` does not put on PATH)."""
    explicit = os.environ.get("SQLRUN_PG_BIN")
    candidates = [explicit] if explicit else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(os.path.dirname(os.path.realpath(on_path)))
    debian = "/usr/lib/postgresql"
    if os.path.isdir(debian):
        versions = sorted((v for v in os.listdir(debian) if v.isdigit()), key=int, reverse=True)
        candidates += [os.path.join(debian, v, "bin") for v in versions]
    for d in candidates:
        if all(os.access(os.path.join(d, exe), os.X_OK) for exe in ("initdb", "pg_ctl", "postgres")):
            return d
    raise Failure("PostgreSQL's initdb/pg_ctl/postgres not found (set SQLRUN_PG_BIN, or `make postgres-deps`)")


def free_port():
    # The server listens on a Unix socket in its own directory only, so the port just names the
    # socket file and cannot clash; a free TCP port is still taken to be safe with any setting.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    name = "postgres"

    def __init__(self):
        self.tmp = None
        self.conn = None
        self.started = False
        self.backend_pid = None

    def _as_server_user(self, argv):
        return self.prefix + argv

    def _run(self, argv, what):
        proc = subprocess.run(self._as_server_user(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
        if proc.returncode != 0:
            log = self._server_log_tail()
            raise Failure(f"{what} failed (exit {proc.returncode}):\n{proc.stdout.strip()}{log}")
        return proc.stdout

    def _server_log_tail(self):
        try:
            with open(os.path.join(self.tmp, "server.log"), errors="replace") as f:
                return "\nserver log:\n" + "".join(f.readlines()[-20:])
        except OSError:
            return ""

    def start(self):
        import psycopg
        self.psycopg = psycopg
        bindir = find_pg_bindir()
        self.prefix = []
        # A private directory for the cluster and its socket; mkdtemp makes it mode 0700.
        self.tmp = tempfile.mkdtemp(prefix="sqlrun-pg-")
        if os.geteuid() == 0:
            # initdb/postgres refuse root: run them as an unprivileged user, who must own the
            # directory. Root can still read the log, /proc and the socket, and delete it all.
            import pwd
            user = os.environ.get("SQLRUN_PG_USER", "nobody")
            try:
                pw = pwd.getpwnam(user)
            except KeyError:
                raise Failure(f"running as root, and the user {user!r} to run PostgreSQL as does not exist "
                              "(set SQLRUN_PG_USER)")
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
            self.prefix = ["runuser", "-u", user, "--"]
            # That user must reach the directory through every parent (e.g. TMPDIR under /root).
            check = subprocess.run(self.prefix + ["test", "-w", self.tmp])
            if check.returncode != 0:
                raise Failure(f"user {user} cannot write {self.tmp}; set TMPDIR to a directory it can reach, "
                              "such as /tmp")
        data = os.path.join(self.tmp, "data")
        # C locale and UTF-8: text compares and sorts by code point, as in DuckDB and Spark.
        # --no-sync: the cluster is thrown away anyway.
        self._run([os.path.join(bindir, "initdb"), "-D", data, "-U", "sqlrun", "--auth=trust", "-E", "UTF8",
                   "--locale=C", "--no-sync", "--no-instructions"], "initdb")
        port = free_port()
        # Settings go in postgresql.conf rather than `pg_ctl -o`, which passes them through a shell.
        # No TCP listener, socket in our directory. fsync and friends off: a throwaway cluster.
        # jit off: compiling a large query can cost more than running it on a small book.
        settings = {
            "listen_addresses": "''",
            "unix_socket_directories": sql_string(self.tmp),
            "port": str(port),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "jit": "off",
            "timezone": "'UTC'",
            "work_mem": "'64MB'",
            "max_wal_size": "'1GB'",
            "logging_collector": "off",
        }
        with open(os.path.join(data, "postgresql.conf"), "a") as f:
            f.write("\n# sqlrun.py\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()))
        self.data = data
        self.bindir = bindir
        self.started = True  # from here on, close() must try to stop a server
        self._run([os.path.join(bindir, "pg_ctl"), "-D", data, "-l", os.path.join(self.tmp, "server.log"),
                   "-w", "-t", "60", "start"], "pg_ctl start")
        self.conn = psycopg.connect(host=self.tmp, port=port, user="sqlrun", dbname="postgres", autocommit=True)
        self.backend_pid = self.conn.execute("SELECT pg_backend_pid()").fetchone()[0]

    def load(self, table, path):
        types = TYPES["postgres"]
        name = quote(table["name"])
        cols = ", ".join(f"{quote(c['name'])} {types[c['type']]}" for c in table["columns"])
        self.conn.execute(f"CREATE TABLE {name} ({cols})")
        if path is None:
            return 0
        mapping = header_mapping(path, table)
        known = [c for c in mapping if c is not None]
        if len(known) == len(mapping):
            target, file_cols = name, [quote(c["name"]) for c in mapping]
        else:
            # COPY cannot skip a file's column: copy into a staging table holding every column of
            # the file (unknown ones as text), then move the known ones across.
            target = quote("sqlrun_stage_" + table["name"])
            file_cols = [quote(f) for f in file_field_names(mapping)]
            stage = ", ".join(f"{fc} {types[c['type']] if c else 'text'}" for fc, c in zip(file_cols, mapping))
            self.conn.execute(f"CREATE TEMP TABLE {target} ({stage})")
        col_list = ", ".join(file_cols)
        # HEADER true skips the header line (its names were read above). FORCE_NULL: a quoted
        # empty field ("") is NULL too, as an unquoted one is; without it text would get ''.
        copy_sql = (f"COPY {target} ({col_list}) FROM STDIN "
                    f"(FORMAT csv, HEADER true, FORCE_NULL ({col_list}))")
        opener = gzip.open if path.endswith(".gz") else open
        with self.conn.cursor() as cur:
            with cur.copy(copy_sql) as copy, opener(path, "rb") as f:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        break
                    copy.write(chunk)
        if target != name:
            known_cols = ", ".join(quote(c["name"]) for c in known)
            if known_cols:
                self.conn.execute(f"INSERT INTO {name} ({known_cols}) SELECT {known_cols} FROM {target}")
            else:
                self.conn.execute(f"INSERT INTO {name} SELECT FROM {target}")
            self.conn.execute(f"DROP TABLE {target}")
        # Planner statistics, so the query plans as it would on a real database.
        self.conn.execute(f"ANALYZE {name}")
        return self.conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]

    def query(self, sql):
        with self.conn.cursor() as cur:
            cur.execute(sql)
            if cur.description is None:
                raise Failure("the query returned no result set (is it a SELECT?)")
            return [d.name for d in cur.description], cur.fetchall()

    def memory(self):
        mem = {"client_peak_rss_mb": round(self_peak_rss_mb(), 1)}
        if self.backend_pid:
            backend = proc_peak_rss_mb(self.backend_pid)
            if backend is not None:
                mem["backend_peak_rss_mb"] = round(backend, 1)  # the server process that ran our SQL
        pid = self._postmaster_pid()
        if pid:
            post = proc_peak_rss_mb(pid)
            if post is not None:
                mem["postmaster_peak_rss_mb"] = round(post, 1)
        return mem

    def _postmaster_pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline())
        except (OSError, ValueError, AttributeError):
            return None

    def close(self):
        """Stops the server and deletes its directory; safe to call at any stage of start()."""
        try:
            if self.conn is not None:
                try:
                    self.conn.close()
                except Exception:
                    pass
                self.conn = None
            if self.started:
                self.started = False
                stop = subprocess.run(self._as_server_user(
                    [os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop"]),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if stop.returncode != 0:
                    # Could not stop it cleanly (or it never started): make sure nothing is left.
                    pid = self._postmaster_pid()
                    if pid:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except OSError:
                            pass
        finally:
            if self.tmp:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None


# ---------------------------------------------------------------------------------------------
# Spark


class Spark:
    name = "spark"

    def __init__(self):
        self.spark = None
        self.tmp = None
        self.jvm_pid = None

    def start(self):
        # Spark 4 binds the driver to the host's address, which may not resolve on a machine
        # without network; everything here is local.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ["PYSPARK_PYTHON"] = sys.executable
        os.environ["TZ"] = "UTC"  # Python-side conversion of any TIMESTAMP result
        time.tzset()
        self.tmp = tempfile.mkdtemp(prefix="sqlrun-spark-")
        log4j = os.path.join(HERE, "log4j2.properties")  # errors only: keeps stderr for our JSON
        # 4 GB: the edge book's overrun query, after three churn queries in the same session,
        # failed to broadcast a table in 2 GB ("Not enough memory to build and broadcast").
        memory = os.environ.get("SQLRUN_SPARK_DRIVER_MEMORY", "4g")
        # The JVM inherits our stderr and writes to it directly (e.g. the JDK's "Using incubator
        # modules" line, which no log setting silences). Give it a log file instead, so stderr
        # holds only our JSON or error message; the file's tail is shown if anything fails.
        self.jvm_log = os.path.join(self.tmp, "jvm.log")
        saved_stderr = os.dup(2)
        log_fd = os.open(self.jvm_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        sys.stderr.flush()
        os.dup2(log_fd, 2)
        try:
            self.spark = self._session(memory, log4j)
        except Exception as e:
            raise Failure(f"Spark did not start: {describe(e)}\n"
                          f"JVM output:\n{self._jvm_log_tail()}")
        finally:
            sys.stderr.flush()
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
            os.close(log_fd)
        self.spark.sparkContext.setLogLevel("ERROR")
        try:
            # pyspark 4 also logs every SQL error from Python, as a JSON line with the whole Java
            # stack, to stderr; the error is raised anyway (and reported once, shortly, by us).
            from pyspark.logger import PySparkLogger
            for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
                logger = PySparkLogger.getLogger(name)
                logger.setLevel(logging.CRITICAL + 1)
                logger.disabled = True
        except ImportError:
            pass
        try:
            # py4j keeps the launcher's Popen; spark-submit execs the JVM, so this is its pid.
            self.jvm_pid = self.spark.sparkContext._gateway.proc.pid
        except AttributeError:
            self.jvm_pid = None

    def _jvm_log_tail(self):
        try:
            with open(self.jvm_log, errors="replace") as f:
                lines = [l for l in f.readlines() if "Using incubator modules" not in l]
            return "".join(lines[-30:])
        except (OSError, AttributeError, TypeError):
            return ""

    def _session(self, memory, log4j):
        from pyspark.sql import SparkSession
        return (
            SparkSession.builder.master("local[2]")
            .appName("sqlrun")
            # Local mode runs everything in the driver JVM, so this bounds the whole engine.
            .config("spark.driver.memory", memory)
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log4j} -Duser.timezone=UTC")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            # 200 shuffle partitions (the default) is pure overhead for a book on two cores.
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.warehouse.dir", os.path.join(self.tmp, "warehouse"))
            .config("spark.local.dir", os.path.join(self.tmp, "local"))
            .getOrCreate()
        )

    def _type(self, t):
        from pyspark.sql import types as T
        return {"text": T.StringType(), "date": T.DateType(), "integer": T.LongType(),
                "double": T.DoubleType(), "boolean": T.BooleanType()}[t]

    def load(self, table, path):
        from pyspark.sql import functions as F
        from pyspark.sql import types as T
        if path is None:
            df = self.spark.createDataFrame(
                [], T.StructType([T.StructField(c["name"], self._type(c["type"]), True) for c in table["columns"]]))
        else:
            mapping = header_mapping(path, table)
            # With a schema and header=true, Spark skips the header line and applies the schema by
            # position (enforceSchema), so the schema lists the file's columns in the file's order.
            read_schema = T.StructType([T.StructField(f, self._type(c["type"]) if c else T.StringType(), True)
                                        for f, c in zip(file_field_names(mapping), mapping)])
            raw = self.spark.read.csv(
                path, schema=read_schema, header=True, enforceSchema=True,
                sep=",", quote='"', escape='"',  # RFC 4180: "" inside quotes (Spark's default escape is a backslash)
                multiLine=True,  # quoted fields may hold line breaks
                mode="FAILFAST",  # a value that does not parse is an error, not a silent NULL
                nullValue="", dateFormat="yyyy-MM-dd", encoding="UTF-8",
                ignoreLeadingWhiteSpace=False, ignoreTrailingWhiteSpace=False)  # text is taken exactly
            present = {c["name"] for c in mapping if c is not None}
            exprs = []
            for c in table["columns"]:
                if c["name"] in present:
                    col = F.col(c["name"])
                    if c["type"] == "text":
                        # Spark 4.3 already reads a quoted "" as NULL (nullValue ""), but its
                        # emptyValue handling changed between versions: keep it NULL whatever.
                        col = F.when(col == "", None).otherwise(col)
                    exprs.append(col.alias(c["name"]))
                else:
                    exprs.append(F.lit(None).cast(self._type(c["type"])).alias(c["name"]))  # absent
            df = raw.select(*exprs)
        # Cache and count: the file is parsed now (load time is load time, parse errors surface
        # here) and the query reads memory, as the other engines do.
        df = df.cache()
        n = df.count()
        df.createOrReplaceTempView(table["name"])
        return n

    def query(self, sql):
        df = self.spark.sql(sql)
        return df.columns, [tuple(r) for r in df.collect()]

    def memory(self):
        mem = {"python_peak_rss_mb": round(self_peak_rss_mb(), 1)}
        if self.jvm_pid:
            jvm = proc_peak_rss_mb(self.jvm_pid)
            if jvm is not None:
                mem["jvm_peak_rss_mb"] = round(jvm, 1)
        return mem

    def close(self):
        try:
            if self.spark is not None:
                self.spark.stop()
                self.spark = None
        finally:
            if self.tmp:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None


ENGINES = {"duckdb": DuckDB, "postgres": Postgres, "spark": Spark}


def describe(error):
    """An engine's exception in a few lines: its message and the chain of causes, without the Java
    stack frames Spark errors carry (hundreds of lines that bury the one that matters)."""
    lines = [l for l in str(error).strip().splitlines()
             if not re.match(r"^\s+(at |\.\.\. \d+ more)", l)]
    if len(lines) > 40:
        lines = lines[:40] + [f"... ({len(lines) - 40} more lines)"]
    return f"{type(error).__name__}: " + "\n".join(lines)


# ---------------------------------------------------------------------------------------------


def run(args):
    tables = load_schema(args.schema)
    if len(args.query) != len(args.out):
        raise Failure(f"{len(args.query)} --query and {len(args.out)} --out: give one --out per --query")
    queries = [read_query(q) for q in args.query]
    if not os.path.isdir(args.signals):
        raise Failure(f"{args.signals}: not a directory")
    timings = {"engine": args.engine}
    engine = ENGINES[args.engine]()
    # Files with their timestamps converted (`with_contract_dates`), kept until the engine is
    # done with them (Spark reads lazily).
    scratch = tempfile.mkdtemp(prefix="sqlrun-dates-")
    t0 = time.monotonic()
    try:
        engine.start()
        t1 = time.monotonic()
        rows = {}
        for table in tables:
            path = with_contract_dates(find_file(args.signals, table["file"]), table, scratch)
            rows[table["name"]] = engine.load(table, path)
        t2 = time.monotonic()
        # Several queries run on the one loaded book (an engine's start and load are paid once).
        query_s, write_s, n = 0.0, 0.0, 0
        for path, sql, out in zip(args.query, queries, args.out):
            t = time.monotonic()
            try:
                columns, result = engine.query(sql)
            except Failure:
                raise  # already worded
            except Exception as e:  # the engine's own error type: report its message, not a traceback
                raise Failure(f"the query {path} failed on {args.engine}: {describe(e)}")
            query_s += time.monotonic() - t
            t = time.monotonic()
            n += write_result(out, columns, result)
            write_s += time.monotonic() - t
        t3 = t2 + query_s
        t4 = t3 + write_s
        # Read before close(): the server and JVM processes are gone afterwards.
        memory = engine.memory()
    finally:
        engine.close()
        shutil.rmtree(scratch, ignore_errors=True)
    timings.update({
        "start_s": round(t1 - t0, 3), "load_s": round(t2 - t1, 3), "query_s": round(t3 - t2, 3),
        "write_s": round(t4 - t3, 3), "total_s": round(time.monotonic() - t0, 3),
        "result_rows": n, "table_rows": rows, **memory,
    })
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", required=True, choices=sorted(ENGINES))
    parser.add_argument("--signals", required=True, help="the signals directory (the book)")
    parser.add_argument("--schema", required=True, help="SCHEMA.json: tables, their files and typed columns")
    parser.add_argument("--query", required=True, action="append",
                        help="a file with one SELECT (CTEs allowed, trailing ; allowed); repeat for several, each with its --out")
    parser.add_argument("--out", required=True, action="append", help="where to write the result CSV (one per --query, in order)")
    parser.add_argument("--timings", action="store_true", help="print timings and peak RSS to stderr as JSON")
    args = parser.parse_args()

    # SIGTERM/SIGHUP (a test runner's timeout, a closed terminal) must still stop the PostgreSQL
    # server and delete temporary directories: turn them into an exception that unwinds `finally`.
    def stop(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)

    try:
        timings = run(args)
    except Failure as e:
        print(f"sqlrun: error: {e}", file=sys.stderr)
        return 1
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, csv.Error) as e:
        print(f"sqlrun: error: {e}", file=sys.stderr)
        return 1
    except Exception as e:
        # The engines' own errors while starting or loading (a value that does not parse, ...).
        print(f"sqlrun: error: {args.engine}: {describe(e)}", file=sys.stderr)
        return 1
    if args.timings:
        print(json.dumps(timings), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
