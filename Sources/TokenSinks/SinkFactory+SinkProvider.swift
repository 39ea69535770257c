import RotatorCore

/// The rotation engine asks `RotatorCore.SinkProvider` for the sinks of each delivery.
extension SinkFactory: SinkProvider {}
