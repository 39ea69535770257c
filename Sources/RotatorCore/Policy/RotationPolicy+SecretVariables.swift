extension RotationPolicy {
    /// Every environment variable the policy names in a `*_env` key, in controller order without
    /// repeats. A command sink removes these from its child's environment so no secret leaks into it.
    public var namedSecretVariables: [String] {
        var names: [String] = []
        for controller in controllers {
            if case .environment(let name) = controller.auth?.source, !names.contains(name) {
                names.append(name)
            }
        }
        if let name = notify?.webhook?.tokenEnvironmentVariable, !names.contains(name) { names.append(name) }
        return names
    }
}
