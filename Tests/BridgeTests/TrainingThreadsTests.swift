import NN
import Testing
@testable import Bridge

/// Each Lua state's models train on that state's thread pool: every core unless the host gives
/// the state another count (a parallel search gives each worker cores / workers).
struct TrainingThreadsTests {
    @Test func modelsOfAStateTrainOnItsOwnPoolWithTheCountTheHostSets() throws {
        let state = try LuaState()
        Tunelua.install(in: state)
        #expect(state.trainingThreads.threadCount == ThreadPool.availableCores)
        state.trainingThreads.threadCount = 1
        let values = try state.run("""
            local keras = require 'tunelua.keras'
            local a = keras.Sequential{keras.Input{shape = {4}}, keras.layers.Dense{units = 2}}
            local b = keras.Sequential{keras.Input{shape = {4}}, keras.layers.Dense{units = 2}}
            return a, b
            """, chunkName: "=t.lua")
        let pools = values.compactMap { value -> ThreadPool? in
            guard case .userdata(let ref) = value else { return nil }
            return (state.objectValue(ref) as? ModelBox)?.model.threadPool
        }
        #expect(pools.count == 2)
        #expect(pools.allSatisfy { $0 === state.trainingThreads && $0.threadCount == 1 })
        let other = try LuaState()
        #expect(other.trainingThreads !== state.trainingThreads)
        #expect(other.trainingThreads.threadCount == ThreadPool.availableCores)
    }
}
