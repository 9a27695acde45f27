import CLua

@_cdecl("tunelua_bridge_dispatch")
func tuneluaBridgeDispatch(_ L: OpaquePointer?, _ box: UnsafeMutableRawPointer?) -> Int32 {
    return 0
}

@_cdecl("tunelua_bridge_release")
func tuneluaBridgeRelease(_ box: UnsafeMutableRawPointer?) {
}

public func probe() -> Int32 {
    var st = tl_alloc_state(used: 0, limit: 1 << 30, inSwift: 1, refused: 0)
    let L = tl_newstate(&st)
    tl_pushtrampoline(L, 0)
    let t = lua_type(L, -1)
    lua_close(L)
    return t
}
