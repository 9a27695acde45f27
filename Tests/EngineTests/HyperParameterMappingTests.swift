import Testing
@testable import Engine

/// Keras Tuner's value ↔ cumulative-probability mappings, kind by kind.
struct HyperParameterMappingTests {
    private func sampled(_ hp: HyperParameter, draws: Int = 2000) -> Set<HPValue> {
        var rng = SeededGenerator(seed: 1)
        return Set((0..<draws).map { _ in hp.probToValue(rng.nextUnit()) })
    }

    @Test func intLogWithStepSamplesOnlyPowers() throws {
        let hp = try HyperParameter.int("b", minValue: 2, maxValue: 32, step: 2, sampling: "log")
        #expect(sampled(hp) == Set([2, 4, 8, 16, 32].map { HPValue.int($0) }))
        #expect(hp.gridValues == [2, 4, 8, 16, 32].map { HPValue.int($0) })
    }

    @Test func floatReverseLogWithStepGivesKerasTunerValues() throws {
        let hp = try HyperParameter.float("f", minValue: 0.01, maxValue: 100, step: 10, sampling: "reverse_log")
        let got = hp.gridValues.compactMap(\.numeric)
        let want = [0.01, 90.01, 99.01, 99.91, 100]
        #expect(got.count == 5)
        for (g, w) in zip(got, want) { #expect(abs(g - w) < 1e-9) }
        #expect(sampled(hp).count == 5)
    }

    @Test func floatLinearMapsBothWays() throws {
        let hp = try HyperParameter.float("x", minValue: -2, maxValue: 2)
        #expect(hp.probToValue(0.25) == .float(-1))
        #expect(try hp.valueToProb(.float(1)) == 0.75)
        let stepped = try HyperParameter.float("s", minValue: 0, maxValue: 1, step: 0.2)
        #expect(stepped.gridValues.count == 6)
        #expect(try stepped.valueToProb(.float(0)) == (0 + 0.5) / 6)
        // Rounding does not drop the inclusive max or shift a value into the bucket below.
        let tenths = try HyperParameter.float("t", minValue: 0, maxValue: 0.3, step: 0.1)
        #expect(tenths.gridValues.count == 4)
        #expect(abs(try stepped.valueToProb(.float(0.6)) - 3.5 / 6) < 1e-12)
    }

    @Test func floatLogAndReverseLogRoundTrip() throws {
        for s in ["log", "reverse_log"] {
            let hp = try HyperParameter.float("lr", minValue: 1e-4, maxValue: 1e-1, sampling: s)
            for p in [0.0, 0.1, 0.5, 0.9] {
                let v = hp.probToValue(p)
                #expect(abs(try hp.valueToProb(v) - p) < 1e-9)
            }
        }
        let log = try HyperParameter.float("lr", minValue: 0.001, maxValue: 10, step: 10, sampling: "log")
        let values = log.gridValues.compactMap(\.numeric)
        #expect(values.count == 5)
        for (g, w) in zip(values, [0.001, 0.01, 0.1, 1, 10]) { #expect(abs(g - w) / w < 1e-9) }
    }

    @Test func intLinearIncludesMaxAndCentresBuckets() throws {
        let hp = try HyperParameter.int("n", minValue: 6, maxValue: 13, step: 3)
        #expect(hp.gridValues == [.int(6), .int(9), .int(12)])
        let plain = try HyperParameter.int("n", minValue: 0, maxValue: 9)
        #expect(plain.probToValue(0.999) == .int(9))
        #expect(try plain.valueToProb(.int(0)) == 0.05)
        let logNoStep = try HyperParameter.int("n", minValue: 1, maxValue: 1000, sampling: "log")
        #expect(sampled(logNoStep).allSatisfy { if case let .int(i) = $0 { return i >= 1 && i <= 1000 } else { return false } })
        #expect(abs(try logNoStep.valueToProb(logNoStep.probToValue(0.5)) - 0.5) < 0.01)
    }

    @Test func choiceBooleanFixedMappings() throws {
        let c = try HyperParameter.choice("c", values: [.string("a"), .string("b"), .string("c")])
        #expect(c.probToValue(0.0) == .string("a"))
        #expect(c.probToValue(0.5) == .string("b"))
        #expect(c.probToValue(0.9999999) == .string("c"))
        #expect(abs(try c.valueToProb(.string("c")) - 2.5 / 3) < 1e-12)
        let b = HyperParameter.boolean("b")
        #expect(b.probToValue(0.49) == .bool(false) && b.probToValue(0.5) == .bool(true))
        #expect(try b.valueToProb(.bool(true)) == 0.75)
        #expect(try b.valueToProb(.bool(false)) == 0.25)
        let f = HyperParameter.fixed("f", value: .int(3))
        #expect(f.probToValue(0.9) == .int(3))
        #expect(try f.valueToProb(.int(3)) == 0.5)
        #expect(!f.isTunable && b.isTunable)
        #expect(c.decode(try c.encode(.string("b"))) == .string("b"))
    }

    @Test func floatWithoutStepGridUsesTenBucketCentres() throws {
        let hp = try HyperParameter.float("x", minValue: 0, maxValue: 1)
        let values = hp.gridValues.compactMap(\.numeric)
        #expect(values.count == 10)
        #expect(abs(values[0] - 0.05) < 1e-12 && abs(values[9] - 0.95) < 1e-12)
    }
}
