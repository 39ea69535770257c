import Foundation

public enum JenkinsExpiry: String, Sendable, Codable {
    case auto, on, off
}
