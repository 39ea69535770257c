// libFuzzer entry point for the security-page scraper (both Jenkins markups, jenkins-api.md §7): any bytes give a
// list of tokens whose uuids came from the page, never a crash or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let page = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for token in TokenPageScraper.tokens(inPage: page) {
        precondition(token.uuid.utf8.count <= page.utf8.count, "a uuid longer than the page")
    }
    _ = HTMLTokenizer.decodeEntities(page)
    return 0
}
