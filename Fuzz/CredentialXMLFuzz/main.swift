// libFuzzer entry point for the jenkins_credential sink's XML rewrite: whatever Jenkins serves, putting a new
// secret in never crashes, keeps the root element, and leaves exactly the escaped value in the secret element.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let document = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for kind in CredentialKind.allCases {
        guard let edited = try? CredentialXMLEdit.replacingSecret(in: document, kind: kind, with: Secret("n<&>v"))
        else { continue }
        let text = edited.reveal()
        precondition(CredentialXMLEdit.rootElement(of: text) == CredentialXMLEdit.rootElement(of: document))
        precondition(text.contains("<\(kind.secretElement)>n&lt;&amp;&gt;v</\(kind.secretElement)>"))
    }
    return 0
}

/// The fuzz build compiles no Crypto: a stand-in with the two members the rewrite uses.
struct Secret {
    private let value: String
    init(_ value: String) { self.value = value }
    func reveal() -> String { value }
}
