import Foundation

/// `print(…, to: &standardError)`: messages for people, kept off standard output.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
