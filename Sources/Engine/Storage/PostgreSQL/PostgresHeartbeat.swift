import Foundation

/// Beats for this process on a connection of its own: every `interval` seconds it marks the
/// process's running trials and its peer row as alive (server clock), so that a trial in a long
/// `run_trial` is not taken for dead. A process killed or cut off stops beating; that is the
/// signal other peers act on after the grace period.
final class PostgresHeartbeat: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private var runningTrials = 0
    private var thread: Thread?

    init(url: String, parsed: PostgresURL, project: String, peer: String, interval: Double) throws {
        let db = try PostgresConnection(url: url, url: parsed)
        let t = Thread { [self] in
            self.beat(db, project: project, peer: peer, interval: interval)
            db.close()
        }
        t.name = "tunelua-heartbeat"
        thread = t
        t.start()
    }

    /// How many trials this process runs now (the trials' beat is skipped while there are none).
    func running(_ count: Int) {
        condition.withLock { runningTrials = count }
    }

    private func beat(_ db: PostgresConnection, project: String, peer: String, interval: Double) {
        condition.lock()
        defer { condition.unlock() }
        while !stopped {
            _ = condition.wait(until: Date(timeIntervalSinceNow: interval))
            if stopped { break }
            let trials = runningTrials > 0
            condition.unlock()
            do {
                if db.isBroken { db.reset() }
                if trials {
                    try db.execute("UPDATE tunelua_trials SET heartbeat = now() WHERE project = $1 AND owner = $2 AND status = 'RUNNING'",
                                   [project, peer])
                }
                try db.execute("UPDATE tunelua_peers SET heartbeat = now() WHERE project = $1 AND peer = $2", [project, peer])
            } catch {
                // The network may come back; the next beat tries again. A trial taken over meanwhile
                // is refused at its end.
            }
            condition.lock()
        }
    }

    /// Stops the thread and waits for it (its connection closes with it).
    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
        while let t = thread, !t.isFinished { usleep(1000) }
        thread = nil
    }
}
