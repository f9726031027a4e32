#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `pow` from the C library (one call site for the module's imports of libm).
func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
