// libFuzzer entry point for the policy loader: any text is either a valid policy or a PolicyError naming the
// file, never a crash or a hang, and an error never repeats a value written under an inline-secret key.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try PolicyLoader.parse(text, source: "fuzz.yml")
    } catch let error as PolicyError {
        precondition(error.file == "fuzz.yml", "an error that names another file")
        _ = error.description
    } catch {
        fatalError("unexpected error type: \(type(of: error))")
    }
    return 0
}
