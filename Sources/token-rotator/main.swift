import RotatorCLI

await TokenRotatorMain.run()
