// Taps module.
