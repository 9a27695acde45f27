import NN

extension LuaState {
    /// The threads this state's models train on, shared by all of them (a state runs one training
    /// at a time). Every core by default, for a training that runs alone; a parallel search gives
    /// each worker's state its share with one line where the state is made:
    /// `state.trainingThreads.threadCount = max(1, ThreadPool.availableCores / workers)`.
    public var trainingThreads: ThreadPool { perState("keras.threads") { ThreadPool() } }
}
