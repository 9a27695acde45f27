import Testing
@testable import Bridge

/// `kt.errors`: Keras Tuner 1.4's error kinds keep their kind through `error(…)`, and the Fatal
/// family is recognised as fatal by the one test the tuner uses.
struct ErrorsBindingTests {
    let state: LuaState = {
        let state = try! LuaState()
        Tunelua.install(in: state)
        return state
    }()

    func thrown(_ code: String) -> LuaError? {
        do {
            try state.run("local kt = require 'tunelua'\n" + code)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [("FatalError", true), ("FatalValueError", true), ("FatalTypeError", true),
                      ("FatalRuntimeError", true), ("FailedTrialError", false)])
    func kindIsKeptAndOnlyTheFatalFamilyIsFatal(_ kind: String, _ fatal: Bool) throws {
        let error = try #require(thrown("error(kt.errors.\(kind)('why'))"))
        let reported = try #require(ErrorsBinding.kind(of: error, state: state))
        #expect(reported == kind)
        #expect(ErrorsBinding.isFatal(kind: reported) == fatal)
        #expect(ErrorsBinding.message(of: error, state: state) == "why")
    }

    @Test func aLuaSubclassOfAFatalKindIsFatal() throws {
        let error = try #require(thrown("local Mine = kt.errors.FatalTypeError:extend('Mine') error(Mine('m'))"))
        let reported = try #require(ErrorsBinding.kind(of: error, state: state))
        #expect(ErrorsBinding.isFatal(kind: reported))
    }

    @Test func fatalSubclassesAreFatalErrorsInLua() throws {
        let result = try state.run("""
            local kt = require 'tunelua'
            local e = kt.errors.FatalValueError('x')
            return kt.errors.FatalError:is_instance(e), kt.errors.FatalTypeError:is_instance(e), tostring(e)
            """)
        #expect(result.map(\.description) == ["true", "false", "FatalValueError: x"])
    }

    @Test func plainErrorsHaveNoKind() throws {
        let error = try #require(thrown("error('plain')"))
        #expect(ErrorsBinding.kind(of: error, state: state) == nil)
        #expect(!ErrorsBinding.isFatal(kind: "Error"))
    }
}
