// Which code the compute modules were built for (chosen by Package.swift from /proc/cpuinfo).

/// How the kernels were compiled.
public enum KernelBuild {
    /// "haswell" (AVX2, FMA, F16C; used on AVX-512 machines too, so the code is the same) or
    /// "portable" (baseline x86-64 or another architecture; `OVERSEER_PORTABLE=1` forces it).
    /// Results are bit-identical either way; only the speed differs.
    public static var cpuTarget: String {
        #if OVERSEER_HASWELL
        return "haswell"
        #else
        return "portable"
        #endif
    }
}
