import CLua

extension LuaState {
    /// The REPL's Tab completions for `word`, the name chain before the cursor (`kt.RandomSe`,
    /// `model:fi`, `tuner.oracle:get_b`, `pri`): the full words it may become, sorted. Tables are
    /// read raw, following `__index` tables; instances of the class system follow their class
    /// chain and its getters; our userdata list their class's methods and fields; strings the
    /// string library; after `:` only functions are offered. The only code completion runs is
    /// tunelua's own field getters (to step through `tuner.oracle`): never a Lua function or a
    /// metamethod, so nothing a user defined can run, loop or fail while they press Tab.
    public func completions(for word: String) -> [String] {
        guard let split = word.lastIndex(where: { $0 == "." || $0 == ":" }) else {
            let names = Set(members(of: .table(globals), methodsOnly: false)).union(Self.keywords)
            return names.filter { $0.hasPrefix(word) }.sorted()
        }
        let path = word[..<split].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let separator = word[split]
        let partial = String(word[word.index(after: split)...])
        guard !path.contains(where: { $0.isEmpty || $0.contains(":") }) else { return [] }
        var value = LuaValue.table(globals)
        for name in path {
            guard let next = member(name, of: value) else { return [] }
            value = next
        }
        let head = String(word[...split])
        return Set(members(of: value, methodsOnly: separator == ":"))
            .filter { $0.hasPrefix(partial) }
            .sorted()
            .map { head + $0 }
    }

    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    /// `value[name]` read raw along `__index` tables and class chains; nil when reaching it would
    /// take running code.
    private func member(_ name: String, of value: LuaValue) -> LuaValue? {
        if case .userdata(let ref) = value {
            ref.push(L)
            defer { tl_pop(L, 1) }
            guard let object = object(at: -1, on: L), let luaClass = className(at: -1, on: L).flatMap({ classes[$0] }),
                  let getter = luaClass.getters[name], let found = try? getter(object, self) else { return nil }
            return materialized(found)
        }
        let chain = lookupChain(of: value)
        for table in chain {
            let found = table[name]
            if !found.isNil { return found }
        }
        // A computed field of a class-system instance, when tunelua (Swift) computes it.
        for table in chain {
            guard let getters = table["__getters"].tableValue else { continue }
            var level: LuaTable? = getters
            while let current = level {
                if case .function(let getter) = current[name] {
                    guard isSwiftFunction(getter), let found = try? getter.call([value]).first else { return nil }
                    return found
                }
                level = Self.indexTable(current.metatable)
            }
        }
        return nil
    }

    /// A value a Swift getter built (an object, an array) as the Lua value it becomes.
    private func materialized(_ value: LuaValue) -> LuaValue {
        switch value {
        case .object, .array, .dictionary:
            push(value, on: L)
            defer { tl_pop(L, 1) }
            return self.value(at: -1, on: L)
        default:
            return value
        }
    }

    private func isSwiftFunction(_ function: LuaFunction) -> Bool {
        function.push(L)
        defer { tl_pop(L, 1) }
        return lua_iscfunction(L, -1) != 0
    }

    /// The tables a raw lookup on `value` walks, nearest first (bounded, so a cycle of `__index`
    /// tables ends).
    private func lookupChain(of value: LuaValue) -> [LuaTable] {
        var chain: [LuaTable] = []
        var next: LuaTable?
        switch value {
        case .table(let table):
            chain.append(table)
            next = Self.indexTable(table.metatable)
        case .string:
            next = Self.indexTable(stringMetatable())
        default:
            return []
        }
        while let table = next, chain.count < 32 {
            chain.append(table)
            next = table.metatable.flatMap { Self.indexTable($0) }
        }
        return chain
    }

    /// Where a metatable sends missing keys: its `__index` table, or, for the class system's
    /// classes (whose `__index` is a function that reads the class), the class itself.
    private static func indexTable(_ metatable: LuaTable?) -> LuaTable? {
        guard let metatable else { return nil }
        switch metatable["__index"] {
        case .table(let table): return table
        case .function where metatable["__getters"].tableValue != nil: return metatable
        default: return nil
        }
    }

    private func stringMetatable() -> LuaTable? {
        _ = lua_pushstring(L, "")
        guard lua_getmetatable(L, -1) != 0 else { tl_pop(L, 1); return nil }
        guard lua_type(L, -1) == LUA_TTABLE else { tl_pop(L, 2); return nil }
        let table = LuaTable(state: self, popping: L)
        tl_pop(L, 1)
        return table
    }

    /// The names completion offers after `value.` (or `value:` with `methodsOnly`).
    private func members(of value: LuaValue, methodsOnly: Bool) -> [String] {
        if case .userdata(let ref) = value {
            ref.push(L)
            defer { tl_pop(L, 1) }
            guard let name = className(at: -1, on: L), let luaClass = classes[name] else { return [] }
            return luaClass.methods.map(\.0) + (methodsOnly ? [] : Array(luaClass.getters.keys))
        }
        var names: [String] = []
        for table in lookupChain(of: value) {
            for (key, item) in table.pairs {
                guard let name = key.stringValue, Self.isIdentifier(name), !name.hasPrefix("__") else { continue }
                if methodsOnly, item.functionValue == nil { continue }
                names.append(name)
            }
            // The class system's computed fields (`tuner.remaining_trials`).
            if !methodsOnly, let getters = table["__getters"].tableValue {
                var level: LuaTable? = getters
                while let current = level, names.count < 10_000 {
                    names += current.pairs.compactMap(\.key.stringValue)
                    level = Self.indexTable(current.metatable)
                }
            }
        }
        return names
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) }
            && !keywords.contains(name)
    }
}
