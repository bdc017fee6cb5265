// Templates module.
