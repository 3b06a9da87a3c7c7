import VitalsSignals

/// The contract's files as SQL tables: one table per file, named as the file without
/// `.csv`, with the contract's column names and these types. The exported query reads them;
/// the tests load books into them; `vitals export-sql --schema` writes them as DDL.
public enum ContractTables {
    /// The SQL type of a contract column: keys, references, text and enumerations as text,
    /// dates as DATE, counts and integers as BIGINT, decimals as DOUBLE, booleans as BOOLEAN.
    public static func type(of column: ColumnSpec) -> SQLType {
        switch column.kind {
        case .key, .accountReference, .projectReference, .text, .enumeration: return .text
        case .date: return .date
        case .count, .integer: return .integer
        case .decimal: return .double
        case .boolean: return .boolean
        }
    }

    /// The table a file is read into.
    public static func name(of file: SignalsFile) -> String { file.rawValue }

    /// `CREATE TABLE` statements for every file, in the contract's order.
    public static func ddl(_ dialect: SQLDialect) -> String {
        SignalsFile.allCases.map { file in
            "CREATE TABLE " + dialect.identifier(name(of: file)) + " (\n"
                + file.columns.map { "  " + dialect.identifier($0.name) + " " + dialect.typeName(type(of: $0)) }.joined(separator: ",\n")
                + "\n);"
        }.joined(separator: "\n") + "\n"
    }

    /// The tables as JSON for the engine harness (`Tools/sql/sqlrun.py --schema`):
    /// `{"tables": [{"name", "file", "columns": [{"name", "type"}]}]}`, keys in a fixed order.
    public static var json: String {
        let tables = SignalsFile.allCases.map { file in
            let columns = file.columns.map { "{\"name\": \"\($0.name)\", \"type\": \"\(type(of: $0).rawValue)\"}" }.joined(separator: ", ")
            return "    {\"name\": \"\(name(of: file))\", \"file\": \"\(file.fileName)\", \"columns\": [\(columns)]}"
        }
        return "{\"tables\": [\n" + tables.joined(separator: ",\n") + "\n]}\n"
    }
}
