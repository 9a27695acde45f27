# Regenerates the NumPy, IDX and CSV fixtures used by NNTests: `cd Tests/NNTests/Fixtures && python3 make_fixtures.py`
import gzip
import struct

import numpy as np
from numpy.lib import format as npy_format

a = np.array([[1.5, -2.25, 3.0], [0.125, 1e-3, -7.5]], dtype=np.float32)
np.save("float32.npy", a)
np.save("float64.npy", np.array([[np.pi, -1e10], [2.5, 0.0]], dtype=np.float64))
np.save("int8.npy", np.array([-128, -1, 0, 127], dtype=np.int8))
np.save("int16.npy", np.array([-32768, 12345, 32767], dtype=np.int16))
np.save("int32.npy", np.arange(-3, 3, dtype=np.int32).reshape(2, 3))
np.save("int64.npy", np.array([[-5, 1000000], [7, 0]], dtype=np.int64))
np.save("uint8.npy", np.arange(0, 256, 51, dtype=np.uint8).reshape(2, 3))
np.save("scalar.npy", np.float32(4.5))
for version in (2, 3):
    with open(f"float32_v{version}.npy", "wb") as f:
        npy_format.write_array(f, a, version=(version, 0))
np.save("fortran.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save("bigendian.npy", np.arange(3, dtype=">f4"))
np.save("complex.npy", np.array([1 + 2j], dtype=np.complex64))


def write_idx(array, type_byte, path, compress=False):
    header = bytes([0, 0, type_byte, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    payload = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    (gzip.open if compress else open)(path, "wb").write(payload)


images = np.arange(12, dtype=np.uint8).reshape(2, 2, 3) * 20
write_idx(images, 0x08, "images.idx")
write_idx(images, 0x08, "images.idx.gz", compress=True)
write_idx(np.array([-2, -1, 0, 1], dtype=np.int8), 0x09, "int8.idx")
write_idx(np.array([-300, 5, 32000], dtype=np.int16), 0x0B, "int16.idx")
write_idx(np.array([-70000, 1, 2**30], dtype=np.int32), 0x0C, "int32.idx")
write_idx(np.array([[0.5, -1.25]], dtype=np.float32), 0x0D, "float32.idx")
write_idx(np.array([3.75, -1e-3], dtype=np.float64), 0x0E, "float64.idx")
open("truncated.idx", "wb").write(open("images.idx", "rb").read()[:-5])
compressed = open("images.idx.gz", "rb").read()
open("truncated.idx.gz", "wb").write(compressed[: len(compressed) // 2])

open("small.csv", "w").write("f0,label,f1\n1.5,0,2\n-3,1,4e-1\n\n 7 ,2, 0.25\n")
open("noheader.csv", "w").write("1,2,0\n3,4,1\n")
open("badfield.csv", "w").write("a,b,label\n1,2,0\n3,x4,1\n")
open("shortline.csv", "w").write("a,b,label\n1,2,0\n3,1\n")
open("headeronly.csv", "w").write("a,b,label\n")
