"""The traveller kiosk window: one instruction, one pictogram, the camera, progress, countdown."""
