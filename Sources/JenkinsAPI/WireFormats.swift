/// `GET /crumbIssuer/api/json` (jenkins-api.md §2).
struct CrumbResponse: Decodable {
    var crumb: String
    var crumbRequestField: String
}

/// `GET /whoAmI/api/json` (jenkins-api.md §9).
struct WhoAmIResponse: Decodable {
    var name: String
    var authenticated: Bool?
    var anonymous: Bool?
}

/// `POST …/generateNewToken` (jenkins-api.md §4): `{"status":"ok","data":{…}}` or
/// `{"status":"error","message":…}`.
struct GenerateTokenResponse: Decodable {
    struct Data: Decodable {
        var tokenName: String?
        var tokenUuid: String?
        var tokenValue: String?
    }

    var status: String
    var message: String?
    var data: Data?
}

/// Percent-encoding for the two places a value goes into a request: a path segment and a form field.
enum URLEncoding {
    /// RFC 3986 unreserved characters: everything else is escaped, so a user id cannot break out of its
    /// path segment (`/`, `?`, `#`, `%`, `..`).
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func escape(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A user id as one path segment. `.` and `..` alone would be resolved away by servers, so they are
    /// escaped too.
    static func pathSegment(_ text: String) -> String {
        switch text {
        case ".": return "%2E"
        case "..": return "%2E%2E"
        default: return escape(text)
        }
    }

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }
}
