"""The long-running process: receive updates, process them, send, and run the clock."""
