"""Devices: cameras and scanners (live, file, replay), the gate relay and lane sensors,
recording and replay of sessions."""
