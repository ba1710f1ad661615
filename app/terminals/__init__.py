"""Counter terminals (one kiosk with its devices) and the browsers enrolled to run them."""
