// libFuzzer entry point for `inventory import` parsing (CSV and JSON): any bytes either parse into tokens or
// fail with an InventoryImportError, never crash, hang or echo a long hex value.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try InventoryImport.parse(text, fileName: "fuzz.csv")
    } catch let error as InventoryImportError {
        _ = error.description
    } catch {
        fatalError("unexpected error type: \(type(of: error))")
    }
    return 0
}
