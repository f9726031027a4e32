#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@usableFromInline func _cLog(_ x: Double) -> Double { log(x) }
@usableFromInline func _cExp(_ x: Double) -> Double { exp(x) }
@usableFromInline func _cLog1p(_ x: Double) -> Double { log1p(x) }
