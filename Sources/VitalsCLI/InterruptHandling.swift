import Dispatch
import Foundation
import VitalsFoundation

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP: remove the temporary files and directories being
/// written (`PendingOutputs`) and exit 128 + the signal (130 for Ctrl-C). Outputs already in
/// place stay; a score history mid-transaction is rolled back by SQLite when next opened. The
/// signals are taken on a dispatch queue, not in a C handler, so the cleanup may lock and
/// call into Foundation.
enum InterruptHandling {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install() {
        let queue = DispatchQueue(label: "vitals.interrupt")
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                let removed = PendingOutputs.shared.discardAll()
                let note = removed > 0 ? "; removed \(removed) unfinished output\(removed == 1 ? "" : "s")" : ""
                FileHandle.standardError.write(Data("\ninterrupted\(note); no output was left half-written\n".utf8))
                _exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
