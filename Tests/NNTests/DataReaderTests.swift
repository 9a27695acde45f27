import Foundation
import Testing
@testable import NN

struct CSVReaderTests {
    @Test func readsLabelColumnByNameAndSkipsBlankLines() throws {
        let (x, y) = try CSVReader.read(path: Fixture.path("small.csv"))
        #expect(x.shape == [3, 2] && x.scalars == [1.5, 2, -3, 0.4, 7, 0.25])
        #expect(y.shape == [3] && y.scalars == [0, 1, 2])
    }

    @Test func withoutHeaderTheLastColumnIsTheLabel() throws {
        let (x, y) = try CSVReader.read(path: Fixture.path("noheader.csv"), header: false)
        #expect(x.scalars == [1, 2, 3, 4] && y.scalars == [0, 1])
    }

    @Test func readsTheSharedIrisDataSet() throws {
        let path = "/work/shared/data/iris.csv"
        guard FileManager.default.fileExists(atPath: path) else { return }
        let (x, y) = try CSVReader.read(path: path)
        #expect(x.shape == [150, 4] && y.shape == [150] && Set(y.scalars) == [0, 1, 2])
    }

    @Test func malformedFieldNamesFileLineAndColumn() {
        #expect { try CSVReader.read(path: Fixture.path("badfield.csv")) } throws: {
            "\($0)" == "badfield.csv:3:2: 'x4' is not a number"
        }
    }

    @Test func shortLineNamesFileAndLine() {
        #expect { try CSVReader.read(path: Fixture.path("shortline.csv")) } throws: {
            "\($0)" == "shortline.csv:3: expected 3 fields, found 2"
        }
    }

    @Test func emptyDataSetIsAnError() {
        #expect { try CSVReader.read(path: Fixture.path("headeronly.csv")) } throws: { "\($0)".contains("empty data set") }
    }

    @Test func unknownLabelColumnSuggestsTheClosest() {
        #expect { try CSVReader.read(path: Fixture.path("small.csv"), label: "labl") } throws: {
            "\($0)".contains("no label column 'labl'") && "\($0)".contains("did you mean 'label'")
        }
    }

    @Test func missingFileIsAnErrorNamingIt() {
        #expect { try CSVReader.read(path: "/nonexistent/data.csv") } throws: { "\($0)".contains("/nonexistent/data.csv") }
    }
}

struct IDXReaderTests {
    @Test func readsPlainAndGzippedFilesAlike() throws {
        let plain = try IDXReader.read(path: Fixture.path("images.idx"))
        let gzipped = try IDXReader.read(path: Fixture.path("images.idx.gz"))
        #expect(plain.shape == [2, 2, 3])
        #expect(plain.scalars == (0..<12).map { Float($0 * 20) })
        #expect(plain == gzipped)
    }

    @Test func readsEverySignedAndFloatType() throws {
        #expect(try IDXReader.read(path: Fixture.path("int8.idx")).scalars == [-2, -1, 0, 1])
        #expect(try IDXReader.read(path: Fixture.path("int16.idx")).scalars == [-300, 5, 32000])
        #expect(try IDXReader.read(path: Fixture.path("int32.idx")).scalars == [-70000, 1, 1_073_741_824])
        let float32 = try IDXReader.read(path: Fixture.path("float32.idx"))
        #expect(float32.shape == [1, 2] && float32.scalars == [0.5, -1.25])
        #expect(try IDXReader.read(path: Fixture.path("float64.idx")).scalars == [3.75, Float(-1e-3)])
    }

    @Test func truncatedFileNamesTheByteOffset() {
        #expect { try IDXReader.read(path: Fixture.path("truncated.idx")) } throws: {
            "\($0)".hasPrefix("truncated.idx: byte 23: truncated")
        }
        #expect { try IDXReader.read(path: Fixture.path("truncated.idx.gz")) } throws: {
            "\($0)".contains("byte ") && "\($0)".contains("truncated")
        }
    }

    @Test func absurdShapeInHeaderIsAnErrorNotATrap() {
        #expect { try IDXReader.decode([0, 0, 0x08, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], file: "big.idx") } throws: {
            "\($0)".contains("too large")
        }
    }

    @Test func unknownTypeByteIsNamed() {
        #expect { try IDXReader.decode([0, 0, 0x07, 1, 0, 0, 0, 0], file: "x.idx") } throws: {
            "\($0)".hasPrefix("x.idx: byte 2: unknown IDX type byte 0x07")
        }
    }

    @Test func fashionMNISTLoadsFromTheDebianPackage() throws {
        guard FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory) else { return }
        let (xTrain, yTrain, xTest, yTest) = try FashionMNIST.load()
        #expect(xTrain.shape == [60000, 28, 28] && yTrain.shape == [60000])
        #expect(xTest.shape == [10000, 28, 28] && yTest.shape == [10000])
        #expect(xTrain.scalars.max() == 255 && Set(yTest.scalars).count == 10)
    }

    @Test func fashionMNISTMissingTellsHowToInstall() {
        #expect { try FashionMNIST.load(directory: "/nonexistent") } throws: {
            "\($0)".contains("apt-get install dataset-fashion-mnist")
        }
    }
}

struct NPYReaderTests {
    @Test func readsArraysWrittenByNumPy() throws {
        let float32 = try NPYReader.read(path: Fixture.path("float32.npy"))
        #expect(float32.shape == [2, 3] && float32.scalars == [1.5, -2.25, 3.0, 0.125, 1e-3, -7.5])
        let float64 = try NPYReader.read(path: Fixture.path("float64.npy"))
        #expect(float64.scalars == [Float(Double.pi), -1e10, 2.5, 0])
        #expect(try NPYReader.read(path: Fixture.path("int8.npy")).scalars == [-128, -1, 0, 127])
        #expect(try NPYReader.read(path: Fixture.path("int16.npy")).scalars == [-32768, 12345, 32767])
        let int32 = try NPYReader.read(path: Fixture.path("int32.npy"))
        #expect(int32.shape == [2, 3] && int32.scalars == [-3, -2, -1, 0, 1, 2])
        #expect(try NPYReader.read(path: Fixture.path("int64.npy")).scalars == [-5, 1_000_000, 7, 0])
        #expect(try NPYReader.read(path: Fixture.path("uint8.npy")).scalars == [0, 51, 102, 153, 204, 255])
        let scalar = try NPYReader.read(path: Fixture.path("scalar.npy"))
        #expect(scalar.shape == [] && scalar.scalars == [4.5])
    }

    @Test func readsVersion2And3Headers() throws {
        let v1 = try NPYReader.read(path: Fixture.path("float32.npy"))
        #expect(try NPYReader.read(path: Fixture.path("float32_v2.npy")) == v1)
        #expect(try NPYReader.read(path: Fixture.path("float32_v3.npy")) == v1)
    }

    @Test func fortranOrderAndUnsupportedDtypesAreNamed() {
        #expect { try NPYReader.read(path: Fixture.path("fortran.npy")) } throws: { "\($0)".contains("Fortran") }
        #expect { try NPYReader.read(path: Fixture.path("bigendian.npy")) } throws: { "\($0)".contains("'>f4'") }
        #expect { try NPYReader.read(path: Fixture.path("complex.npy")) } throws: { "\($0)".contains("'<c8'") }
    }

    @Test func truncatedDataNamesTheByteOffset() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixture.path("float32.npy"))))
        #expect { try NPYReader.decode(Array(bytes.dropLast(3)), file: "cut.npy") } throws: {
            "\($0)".hasPrefix("cut.npy: byte \(bytes.count - 3): truncated") && "\($0)".contains("needs 24 data bytes")
        }
        #expect { try NPYReader.decode(Array(bytes.prefix(20)), file: "cut.npy") } throws: {
            "\($0)".hasPrefix("cut.npy: byte 20: truncated in the header")
        }
    }
}
