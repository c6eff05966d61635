/// What a command has finished with, kept until the process exits instead of freed: the
/// desired state and plans of 100,000 secrets take a third of a second of one core to
/// free object by object, memory the exit gives back at once.
enum KeptUntilExit {
    static func keep(_ values: Any...) {
        _ = Unmanaged.passRetained(Held(values))
    }

    private final class Held {
        let values: [Any]

        init(_ values: [Any]) {
            self.values = values
        }
    }
}
