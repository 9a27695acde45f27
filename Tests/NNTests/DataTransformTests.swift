import Testing
@testable import NN

struct DataTransformTests {
    let x = Tensor(shape: [10, 2], scalars: (0..<20).map(Float.init))
    let y = Tensor(shape: [10], scalars: (0..<10).map(Float.init))

    @Test func splitIsDeterministicBySeedAndKeepsRowsPaired() throws {
        let a = try DataSplit.split(x: x, y: y, fraction: 0.8, seed: 42)
        let b = try DataSplit.split(x: x, y: y, fraction: 0.8, seed: 42)
        let c = try DataSplit.split(x: x, y: y, fraction: 0.8, seed: 7)
        #expect(a.xTrain == b.xTrain && a.yVal == b.yVal)
        #expect(a.yTrain != c.yTrain)
        #expect(a.xTrain.shape == [8, 2] && a.yTrain.shape == [8] && a.xVal.shape == [2, 2] && a.yVal.shape == [2])
        for (row, label) in a.yTrain.scalars.enumerated() {
            #expect(a.xTrain.scalars[row * 2] == label * 2)
        }
        #expect(Set(a.yTrain.scalars + a.yVal.scalars) == Set(y.scalars))
    }

    @Test func splitWithoutShuffleKeepsOrder() throws {
        let parts = try DataSplit.split(x: x, y: y, fraction: 0.7, shuffle: false)
        #expect(parts.yTrain.scalars == [0, 1, 2, 3, 4, 5, 6] && parts.yVal.scalars == [7, 8, 9])
    }

    @Test func splitRejectsBadArguments() {
        #expect { try DataSplit.split(x: x, y: y, fraction: 1.0) } throws: { "\($0)".hasPrefix("split: fraction") }
        #expect { try DataSplit.split(x: x, y: Tensor(shape: [9]), fraction: 0.5) } throws: { "\($0)".contains("10 rows but y has 9") }
    }

    @Test func seededRandomStreamIsFixed() {
        var a = SeededRandom(seed: 1), b = SeededRandom(seed: 1)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        var c = SeededRandom(seed: 1)
        #expect(c.permutation(5).sorted() == [0, 1, 2, 3, 4])
        var d = SeededRandom(seed: 3)
        for _ in 0..<1000 { let f = d.nextFloat(); #expect(f >= 0 && f < 1) }
    }

    @Test func toCategoricalOneHotEncodesLikeKeras() throws {
        let encoded = try OneHot.toCategorical(Tensor(shape: [3, 1], scalars: [0, 2, 1]), numClasses: 3)
        #expect(encoded.shape == [3, 3] && encoded.scalars == [1, 0, 0, 0, 0, 1, 0, 1, 0])
        #expect(try OneHot.toCategorical(Tensor(shape: [2], scalars: [1, 3])).shape == [2, 4])
        #expect { try OneHot.toCategorical(Tensor(shape: [2], scalars: [1, 5]), numClasses: 3) } throws: {
            "\($0)" == "to_categorical: label 5 at index 1 is out of range for num_classes=3"
        }
        #expect(throws: DataError.self) { try OneHot.toCategorical(Tensor(shape: [1], scalars: [-1])) }
    }

    @Test func scalarArithmeticWorksInBothOrders() {
        let t = Tensor(shape: [2], scalars: [2, 4])
        #expect((t / 2).scalars == [1, 2] && (8 / t).scalars == [4, 2])
        #expect((t - 1).scalars == [1, 3] && (1 - t).scalars == [-1, -3])
        #expect((t + 1).scalars == [3, 5] && (1 + t).scalars == [3, 5])
        #expect((t * 3).scalars == [6, 12] && (3 * t).scalars == [6, 12])
        #expect((-t).scalars == [-2, -4] && (t / 2).shape == [2])
    }

    @Test func meanAndStdMatchNumPyPopulationStatistics() {
        let t = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(t.mean() == 2.5)
        #expect(abs(t.std() - 1.118034) < 1e-6)  // np.std([1, 2, 3, 4])
        #expect(Tensor(shape: [0]).mean().isNaN)
    }

    @Test func previewElidesLongDimensions() {
        let text = Tensor(shape: [100], scalars: (0..<100).map(Float.init)).preview()
        #expect(text == "Tensor(shape=[100])\n[0., 1., 2., ..., 97., 98., 99.]")
        let matrix = Tensor(shape: [2, 2], scalars: [0.5, 1, 2, 3]).preview()
        #expect(matrix == "Tensor(shape=[2, 2])\n[[0.5, 1.],\n [2., 3.]]")
    }
}
