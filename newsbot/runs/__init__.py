"""Run machinery: crawling, scheduled runs, the revisit policy, the run lock, alarms, multi-machine mode."""
