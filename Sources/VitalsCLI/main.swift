print("vitals")
