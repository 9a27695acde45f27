import Testing
@testable import NN

struct MetricTests {
    @Test func accuracyResolvesFromShapesAsKeras3Does() throws {
        #expect(try Metrics.named("accuracy", targetShape: [8], predictionShape: [8, 1]) is BinaryAccuracy)
        #expect(try Metrics.named("accuracy", targetShape: [8], predictionShape: [8, 10]) is SparseCategoricalAccuracy)
        #expect(try Metrics.named("accuracy", targetShape: [8, 1], predictionShape: [8, 10]) is SparseCategoricalAccuracy)
        #expect(try Metrics.named("accuracy", targetShape: [8, 10], predictionShape: [8, 10]) is CategoricalAccuracy)
        #expect(try Metrics.named("acc", targetShape: [8], predictionShape: [8, 1]).name == "acc")
    }

    @Test func metricsAreNamedByTheIdentifierAsKeras3Logs() throws {
        #expect(try Metrics.named("mse", targetShape: [4], predictionShape: [4, 1]).name == "mse")
        #expect(try Metrics.named("mean_absolute_error", targetShape: [4], predictionShape: [4, 1]).name == "mean_absolute_error")
        #expect(try Metrics.named("auc", targetShape: [4], predictionShape: [4, 1]).name == "auc")
        #expect { try Metrics.named("accurcy", targetShape: [4], predictionShape: [4, 1]) } throws: {
            "\($0)".contains("did you mean 'accuracy'")
        }
    }

    @Test func binaryAccuracyThresholdsAtHalf() {
        let metric = BinaryAccuracy()
        metric.update(prediction: Tensor(shape: [4, 1], scalars: [0.2, 0.7, 0.5, 0.9]), target: Tensor(shape: [4], scalars: [0, 1, 1, 0]))
        #expect(metric.result() == 0.5)  // 0.5 is not > 0.5
    }

    @Test func sparseAndCategoricalAccuracyCompareArgmax() {
        let prediction = Tensor(shape: [3, 3], scalars: [0.1, 0.8, 0.1, 0.6, 0.3, 0.1, 0.2, 0.2, 0.6])
        let sparse = SparseCategoricalAccuracy()
        sparse.update(prediction: prediction, target: Tensor(shape: [3, 1], scalars: [1, 1, 2]))
        #expect(abs(sparse.result() - 2.0 / 3) < 1e-12)
        let categorical = CategoricalAccuracy()
        categorical.update(prediction: prediction, target: Tensor(shape: [3, 3], scalars: [0, 1, 0, 1, 0, 0, 1, 0, 0]))
        #expect(abs(categorical.result() - 2.0 / 3) < 1e-12)
    }

    @Test func metricsAccumulateOverBatchesUntilReset() {
        let metric = MeanSquaredErrorMetric()
        metric.update(prediction: Tensor(shape: [1, 1], scalars: [1]), target: Tensor(shape: [1], scalars: [0]))
        metric.update(prediction: Tensor(shape: [3, 1], scalars: [0, 0, 2]), target: Tensor(shape: [3], scalars: [0, 0, 0]))
        #expect(metric.result() == 5.0 / 4)  // per sample, not the mean of batch means
        metric.reset()
        #expect(metric.result() == 0)
        let mae = MeanAbsoluteErrorMetric()
        mae.update(prediction: Tensor(shape: [2, 1], scalars: [1, -3]), target: Tensor(shape: [2], scalars: [0, 0]))
        #expect(mae.result() == 2)
    }

    @Test func mismatchedBatchMakesMetricNaNInsteadOfCrashing() {
        let metric = SparseCategoricalAccuracy()
        metric.update(prediction: Tensor(shape: [2, 3]), target: Tensor(shape: [5]))
        #expect(metric.result().isNaN)
    }

    @Test func aucOfSeparatedAndTiedScores() throws {
        // Positives {0.35, 0.8, 0.6} against negatives {0.1, 0.4, 0.6}: 6 wins and one tie of 9
        // pairs → (6 + 0.5) / 9. Fed in two batches.
        let auc = try AUC()
        auc.update(prediction: Tensor(shape: [3, 1], scalars: [0.1, 0.4, 0.35]), target: Tensor(shape: [3], scalars: [0, 0, 1]))
        auc.update(prediction: Tensor(shape: [3, 1], scalars: [0.8, 0.6, 0.6]), target: Tensor(shape: [3], scalars: [1, 0, 1]))
        #expect(abs(auc.result() - 6.5 / 9) < 1e-9)
        auc.reset()
        auc.update(prediction: Tensor(shape: [4, 1], scalars: [0.9, 0.8, 0.2, 0.1]), target: Tensor(shape: [4], scalars: [1, 1, 0, 0]))
        #expect(abs(auc.result() - 1) < 1e-12)
    }

    @Test func aucMatchesKerasThresholdBucketing() throws {
        // Scores within one bucket (1/199 wide) count as ties even when ordered: 0.501 and 0.502
        // share the bucket (99/199, 100/199], so the single pair scores 0.5, as in Keras.
        let auc = try AUC()
        auc.update(prediction: Tensor(shape: [2, 1], scalars: [0.502, 0.501]), target: Tensor(shape: [2], scalars: [1, 0]))
        #expect(abs(auc.result() - 0.5) < 1e-9)
        #expect(auc.thresholds.count == 200 && auc.thresholds[1] == Float(1.0 / 199))
        #expect(throws: MetricError.self) { try AUC(numThresholds: 1) }
    }

    @Test func aucMatchesNumPyReferenceOnRandomScores() throws {
        // Keras's algorithm re-run in NumPy (float32 thresholds, `>` comparisons, trapezoids)
        // on 24 seeded random scores gives 0.9090909090909091.
        let scores: [Float] = [0.40750891, 0.522053123, 0.136391118, 0.837268949, 0.823317289, 0.311110348, 0.724497378,
                               0.300719827, 0.602018416, 0.262000233, 0.121951699, 0.494965613, 0.783729196, 0.189871252,
                               0.0894231498, 0.419107199, 0.569126487, 0.779363692, 0.141309872, 0.491870791, 0.479927719,
                               0.604240894, 0.303831011, 0.441716492]
        let labels: [Float] = [0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1]
        let auc = try AUC()
        auc.update(prediction: Tensor(shape: [24, 1], scalars: scores), target: Tensor(shape: [24], scalars: labels))
        #expect(abs(auc.result() - 0.9090909090909091) < 1e-12)
    }
}
