import RotatorCLI

TokenRotatorMain.start()
