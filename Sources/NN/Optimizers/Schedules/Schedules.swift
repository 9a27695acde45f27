/// Saving and rebuilding learning-rate schedules as Keras configs.
public enum Schedules {
    /// The schedule's Keras class name and arguments; `nil` for a schedule defined elsewhere.
    public static func config(of schedule: any LearningRateSchedule) -> ObjectConfig? {
        switch schedule {
        case let s as ExponentialDecay:
            return ObjectConfig(className: "ExponentialDecay", config: [
                "initial_learning_rate": .number(Double(s.initialLearningRate)), "decay_steps": .number(Double(s.decaySteps)),
                "decay_rate": .number(Double(s.decayRate)), "staircase": .bool(s.staircase), "name": .string(s.name)])
        case let s as CosineDecay:
            return ObjectConfig(className: "CosineDecay", config: [
                "initial_learning_rate": .number(Double(s.initialLearningRate)), "decay_steps": .number(Double(s.decaySteps)),
                "alpha": .number(Double(s.alpha)), "name": .string(s.name),
                "warmup_target": s.warmupTarget.map { .number(Double($0)) } ?? .null,
                "warmup_steps": .number(Double(s.warmupSteps))])
        default:
            return nil
        }
    }

    /// A schedule from its class name and keyword arguments; unknown arguments are errors.
    /// - Throws: `ConfigError` for unknown classes or arguments; `OptimizerError` for invalid values.
    public static func from(config: ObjectConfig) throws -> any LearningRateSchedule {
        var reader = ConfigReader(config)
        let schedule: any LearningRateSchedule
        switch config.className {
        case "ExponentialDecay":
            schedule = try ExponentialDecay(
                initialLearningRate: reader.requiredFloat("initial_learning_rate"), decaySteps: reader.int("decay_steps"),
                decayRate: reader.requiredFloat("decay_rate"), staircase: reader.bool("staircase", false),
                name: reader.string("name", "ExponentialDecay"))
        case "CosineDecay":
            schedule = try CosineDecay(
                initialLearningRate: reader.requiredFloat("initial_learning_rate"), decaySteps: reader.int("decay_steps"),
                alpha: reader.float("alpha", 0), name: reader.string("name", "CosineDecay"),
                warmupTarget: reader.optionalFloat("warmup_target"), warmupSteps: reader.int("warmup_steps", 0))
        default:
            throw ConfigError("schedule", "unknown learning-rate schedule '\(config.className)'\(NameSuggestion.hint(for: config.className, in: ["ExponentialDecay", "CosineDecay"]))")
        }
        try reader.finish()
        return schedule
    }
}
