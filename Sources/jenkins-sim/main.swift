print("jenkins-sim")
