// The simulator
