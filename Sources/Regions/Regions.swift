// Regions module.
