import Foundation

/// `keras.datasets.fashion_mnist.load_data()`, read from Debian's `dataset-fashion-mnist`
/// package instead of downloading.
public enum FashionMNIST {
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

    /// - Returns: `xTrain` `[60000, 28, 28]` and `xTest` `[10000, 28, 28]` with values 0…255 (as
    ///   Keras returns them, before any scaling), `yTrain` `[60000]` and `yTest` `[10000]` class indices.
    /// - Throws: `DataError` saying how to install the package when a file is missing, or naming
    ///   the file when one is damaged.
    public static func load(directory: String = defaultDirectory) throws(DataError)
        -> (xTrain: Tensor, yTrain: Tensor, xTest: Tensor, yTest: Tensor) {
        func part(_ name: String) throws(DataError) -> Tensor {
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else {
                throw DataError("fashion_mnist.load_data",
                                "\(path) not found; install the data set with `apt-get install dataset-fashion-mnist`")
            }
            return try IDXReader.read(path: path)
        }
        let xTrain = try part("train-images-idx3-ubyte.gz"), yTrain = try part("train-labels-idx1-ubyte.gz")
        let xTest = try part("t10k-images-idx3-ubyte.gz"), yTest = try part("t10k-labels-idx1-ubyte.gz")
        guard xTrain.rows == yTrain.rows, xTest.rows == yTest.rows else {
            throw DataError("fashion_mnist.load_data",
                            "image and label counts differ in \(directory) (train \(xTrain.rows)/\(yTrain.rows), test \(xTest.rows)/\(yTest.rows))")
        }
        return (xTrain, yTrain, xTest, yTest)
    }
}
