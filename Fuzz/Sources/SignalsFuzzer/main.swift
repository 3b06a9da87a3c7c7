import CFuzzerDriver
import Foundation
import VitalsFuzzTargets

// libFuzzer runs every input through all of SignalsFuzzTarget's properties. A broken property
// traps, so libFuzzer saves the input as a crash file; `make fuzz` copies such files into
// Tests/Fixtures/fuzz/regressions, where the test suite replays them.
nonisolated(unsafe) let target = try! SignalsFuzzTarget()

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let broken = target.check(input) { fatalError("property broken: \(broken)") }
    return 0
})
