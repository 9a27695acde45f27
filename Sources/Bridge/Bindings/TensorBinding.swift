import CLua
import NN

/// A float32 tensor handed to Lua (`tunelua.data` and model inputs/outputs).
final class TensorBox {
    let tensor: Tensor
    init(_ tensor: Tensor) { self.tensor = tensor }

    nonisolated(unsafe) static let luaClass: LuaClass = {
        let c = LuaClass(name: "Tensor")
        c.getter("shape") { (t: TensorBox) in .array(t.tensor.shape.map { .integer(Int64($0)) }) }
        c.metamethod("__len") { call in call.results(.integer(Int64(try this(call).tensor.rows))) }
        c.metamethod("__tostring") { call in
            let t = try this(call).tensor
            // NN's preview opens with its own `Tensor(shape=…)` line; ours adds the dtype, so
            // the header is printed once.
            var body = Substring(t.preview())
            if body.hasPrefix("Tensor("), let newline = body.firstIndex(of: "\n") {
                body = body[body.index(after: newline)...]
            }
            return call.results(.string("Tensor(shape=\(t.shape), float32)\n" + body))
        }
        c.metamethod("__add") { call in try arithmetic(call, "+", { $0 + $1 }, { $0 + $1 }) }
        c.metamethod("__sub") { call in try arithmetic(call, "-", { $0 - $1 }, { $0 - $1 }) }
        c.metamethod("__mul") { call in try arithmetic(call, "*", { $0 * $1 }, { $0 * $1 }) }
        c.metamethod("__div") { call in try arithmetic(call, "/", { $0 / $1 }, { $0 / $1 }) }
        c.metamethod("__unm") { call in call.results(.object(TensorBox(-(try this(call).tensor)), luaClass)) }
        c.method("reshape") { call in
            let t = try this(call).tensor
            guard let shape = call.value(at: 2).tableValue?.array.compactMap(\.integerValue), !shape.isEmpty else {
                throw LuaCallError("reshape: expected a shape table such as {n, 8, 8, 1}")
            }
            guard let reshaped = t.reshaped(shape.map(Int.init)) else {
                throw LuaCallError("reshape: cannot reshape a tensor of shape \(t.shape) (\(t.count) values) to \(shape)")
            }
            return call.results(.object(TensorBox(reshaped), luaClass))
        }
        c.method("rows") { call in
            let t = try this(call).tensor
            guard let i = call.value(at: 2).integerValue else { throw call.typeError(1, expected: "integer") }
            let j = call.value(at: 3).integerValue ?? Int64(t.rows)
            guard i >= 1, j <= Int64(t.rows), i <= j + 1 else {
                throw LuaCallError("rows: rows \(i) to \(j) are out of range for a tensor of \(t.rows) rows (rows are 1-based, both ends included)")
            }
            return call.results(.object(TensorBox(t.rows(Int(i - 1)..<Int(j))), luaClass))
        }
        c.method("mean") { call in call.results(.number(Double(try this(call).tensor.mean()))) }
        c.method("std") { call in call.results(.number(Double(try this(call).tensor.std()))) }
        c.method("totable") { call in
            let t = try this(call).tensor
            try call.state.checkLuaHeap(for: t.count, what: "totable: a tensor of \(t.count) values")
            pushNested(t, on: call.L)
            return 1
        }
        return c
    }()

    static func this(_ call: LuaCall) throws -> TensorBox {
        guard let t = call.object(at: 1, as: TensorBox.self) else {
            throw LuaCallError("\(call.functionName): call it on a tensor, as t:\(call.functionName)(…)")
        }
        return t
    }

    /// `t op number` and `number op t`.
    static func arithmetic(_ call: LuaCall, _ symbol: String, _ right: (Tensor, Float) -> Tensor,
                           _ left: (Float, Tensor) -> Tensor) throws -> Int32 {
        let state = call.state
        if let t = call.object(at: 1, as: TensorBox.self), let n = call.value(at: 2).doubleValue {
            let result = state.sharedTensor(derivedFrom: t.tensor, "x\(symbol)\(n)") { right(t.tensor, Float(n)) }
            return call.results(.object(TensorBox(result), luaClass))
        }
        if let n = call.value(at: 1).doubleValue, let t = call.object(at: 2, as: TensorBox.self) {
            let result = state.sharedTensor(derivedFrom: t.tensor, "\(n)\(symbol)x") { left(Float(n), t.tensor) }
            return call.results(.object(TensorBox(result), luaClass))
        }
        throw LuaCallError("tensor \(symbol): only a tensor and a number can be combined (got \(call.typeName(at: 1)) and \(call.typeName(at: 2)))")
    }

    /// Pushes the tensor as nested Lua arrays (a flat array for rank 1), straight onto the stack:
    /// no Swift copy of every value on the way, and a stack check at each level (rank 100 needs
    /// 100 slots).
    static func pushNested(_ t: Tensor, on L: OpaquePointer) {
        guard t.rank > 0 else { lua_pushnumber(L, Double(t.scalars.first ?? 0)); return }
        let shape = t.shape
        var strides = [Int](repeating: 1, count: shape.count)
        for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
        t.scalars.withUnsafeBufferPointer { scalars in
            func build(_ offset: Int, _ dim: Int) {
                _ = lua_checkstack(L, 4)
                let n = shape[dim]
                lua_createtable(L, Int32(clamping: n), 0)
                if dim == shape.count - 1 {
                    for i in 0..<n {
                        lua_pushnumber(L, Double(scalars[offset + i]))
                        lua_rawseti(L, -2, lua_Integer(i + 1))
                    }
                } else {
                    for i in 0..<n {
                        build(offset + i * strides[dim], dim + 1)
                        lua_rawseti(L, -2, lua_Integer(i + 1))
                    }
                }
            }
            build(0, 0)
        }
    }
}

/// Reads tensors from Lua values: a Tensor object, or (nested) tables of numbers.
enum TensorReader {
    /// Nested tables deeper than this are not data (and could overflow Swift's stack).
    static let maximumRank = 64

    static func tensor(_ value: LuaValue, function: String, argument: String) throws -> Tensor {
        if case .userdata(let ref) = value, let box = ref.state.objectValue(ref) as? TensorBox { return box.tensor }
        guard let table = value.tableValue else {
            throw LuaCallError("\(function): argument '\(argument)' must be a Tensor or a table of numbers (got \(value.typeName))")
        }
        // The shape is read down the first elements; every other element must match it, and a
        // number must sit exactly at the last level: `{1, {2, 3}}` is refused, never built.
        var shape: [Int] = []
        var scalars: [Float] = []
        var leafDepth: Int?
        var guardrail = TableWalk(function: function, argument: argument, limit: maximumRank)
        func walk(_ t: LuaTable, path: String) throws {
            try guardrail.enter(t, path: path)
            defer { guardrail.leave() }
            let depth = guardrail.depth - 1
            let n = t.count
            if depth == shape.count {
                shape.append(n)
            } else if shape[depth] != n {
                throw LuaCallError("\(function): \(argument)\(TableWalk.short(path)) has \(n) items where \(shape[depth]) were expected (ragged nesting)")
            }
            guard n > 0 else { return }
            for i in 1...n {
                let item = t[i]
                let here = path + "[\(i)]"
                if let x = item.doubleValue {
                    if leafDepth == nil { leafDepth = depth + 1 }
                    guard leafDepth == depth + 1, shape.count == depth + 1 else {
                        throw LuaCallError("\(function): \(argument)\(TableWalk.short(here)) is a number where a list was expected (mixed nesting)")
                    }
                    scalars.append(Float(x))
                } else if let inner = item.tableValue {
                    if let leaf = leafDepth, depth + 1 >= leaf {
                        throw LuaCallError("\(function): \(argument)\(TableWalk.short(here)) is a list where a number was expected (mixed nesting)")
                    }
                    try walk(inner, path: here)
                } else {
                    throw LuaCallError("\(function): \(argument)\(TableWalk.short(here)) must be a number (got \(item.typeName))")
                }
            }
        }
        try walk(table, path: "")
        guard !scalars.isEmpty else { throw LuaCallError("\(function): argument '\(argument)' is empty") }
        guard ShapeArithmetic.count(shape) == scalars.count else {
            throw LuaCallError("\(function): argument '\(argument)' is ragged (shape \(shape) needs \(ShapeArithmetic.count(shape) ?? -1) numbers, found \(scalars.count))")
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}

/// `require "tunelua.data"`.
enum DataBinding {
    static let csv = Signature("csv", [.init("path", .string, required: true), .init("label", .string), .init("header", .boolean)])
    static let split = Signature("split", [.init("x", .any, required: true), .init("y", .any, required: true),
                                           .init("fraction", .number), .init("shuffle", .boolean), .init("seed", .integer)])

    static func box(_ t: Tensor) -> LuaValue { .object(TensorBox(t), TensorBox.luaClass) }

    static func module(_ state: LuaState) -> LuaValue {
        let m = state.newTable()
        m["csv"] = state.function(name: "csv") { call in
            let args = try csv.bind(call)
            let path = try call.state.allowedPath(args.string("path")!, function: "csv")
            let label = args.string("label", default: "label"), header = args.bool("header", default: true)
            let xy = try call.state.sharedTensors(SharedData.fileKey("csv", path, "\(label)\u{0}\(header)")) {
                let (x, y) = try CSVReader.read(path: path, label: label, header: header)
                return [x, y]
            }
            return call.results(box(xy[0]), box(xy[1]))
        }
        m["idx"] = state.function(name: "idx") { call in
            guard let given = call.string(at: 1) else { throw call.typeError(1, expected: "string") }
            let path = try call.state.allowedPath(given, function: "idx")
            return call.results(box(try call.state.sharedTensors(SharedData.fileKey("idx", path)) { [try IDXReader.read(path: path)] }[0]))
        }
        m["npy"] = state.function(name: "npy") { call in
            guard let given = call.string(at: 1) else { throw call.typeError(1, expected: "string") }
            let path = try call.state.allowedPath(given, function: "npy")
            return call.results(box(try call.state.sharedTensors(SharedData.fileKey("npy", path)) { [try NPYReader.read(path: path)] }[0]))
        }
        m["tensor"] = state.function(name: "tensor") { call in
            call.results(box(try TensorReader.tensor(call.value(at: 1), function: "tensor", argument: "data")))
        }
        m["split"] = state.function(name: "split") { call in
            let args = try split.bind(call)
            let x = try TensorReader.tensor(args["x"], function: "split", argument: "x")
            let y = try TensorReader.tensor(args["y"], function: "split", argument: "y")
            let parts = try DataSplit.split(x: x, y: y, fraction: args.double("fraction", default: 0.8),
                                            shuffle: args.bool("shuffle", default: true),
                                            seed: args.integer("seed").map { UInt64(bitPattern: Int64($0)) })
            return call.results(box(parts.xTrain), box(parts.yTrain), box(parts.xVal), box(parts.yVal))
        }
        return .table(m)
    }
}
