import Foundation
import PackagePlugin

/// Records the git commit `vitals` is built from, for `vitals --version`.
///
/// A prebuild command (before every build, with the system's `/bin/sh` and `git`, no network)
/// writes `BuildCommit.swift` into the plugin's work directory, and SwiftPM compiles it into
/// VitalsCLI. The commit is read at build time, so the binary reports what it was built from
/// wherever it is run; outside a git checkout (a source tarball) or without git it says
/// "unknown", and "-dirty" follows the commit when tracked files differ from it. The file is
/// rewritten only when its text changes, so an unchanged commit does not recompile the CLI.
@main
struct BuildCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        let script = #"""
            set -u
            dir="$1"; out="$2/BuildCommit.swift"
            mkdir -p "$2"
            commit=$(git -C "$dir" rev-parse --short=12 HEAD 2>/dev/null) || commit=unknown
            if [ "$commit" != unknown ] && [ -n "$(git --no-optional-locks -C "$dir" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
                commit="$commit-dirty"
            fi
            text="// Generated at build time by Plugins/BuildCommit: the git commit vitals was built from.
            let vitalsBuildCommit = \"$commit\""
            if [ ! -f "$out" ] || [ "$(cat "$out")" != "$text" ]; then printf '%s\n' "$text" > "$out"; fi
            """#
        return [.prebuildCommand(displayName: "Recording the git commit for vitals --version", executable: URL(filePath: "/bin/sh"),
                                 arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path], outputFilesDirectory: output)]
    }
}
