import CGSL

/// Special functions and quantiles from GSL, for the modules that may not import CGSL themselves.
public enum SpecialFunctions {
    /// The p-quantile of Student's t with `dof` degrees of freedom (`gsl_cdf_tdist_Pinv`).
    public static func studentTQuantile(_ p: Double, dof: Double) -> Double { gsl_cdf_tdist_Pinv(p, dof) }
    /// P(T > t) for Student's t with `dof` degrees of freedom.
    public static func studentTUpperTail(_ t: Double, dof: Double) -> Double { gsl_cdf_tdist_Q(t, dof) }

    /// The p-quantile of the standard normal (`gsl_cdf_ugaussian_Pinv`).
    public static func normalQuantile(_ p: Double) -> Double { gsl_cdf_ugaussian_Pinv(p) }

    /// The standard normal CDF (`gsl_cdf_ugaussian_P`).
    public static func normalCDF(_ x: Double) -> Double { gsl_cdf_ugaussian_P(x) }

    /// P(X <= k) for X ~ Poisson(mu) (`gsl_cdf_poisson_P`).
    public static func poissonCDF(_ k: Int, mean mu: Double) -> Double { gsl_cdf_poisson_P(UInt32(k), mu) }
}

func gammaFunction(_ x: Double) -> Double { gsl_sf_gamma_portable(x) }
func normalPDF(_ x: Double) -> Double { gsl_ran_ugaussian_pdf(x) }
func normalCDF(_ x: Double) -> Double { gsl_cdf_ugaussian_P(x) }
func normalUpperTail(_ x: Double) -> Double { gsl_cdf_ugaussian_Q(x) }
func logPortable(_ x: Double) -> Double { _log(x) }
func log1pPortable(_ x: Double) -> Double { gsl_log1p(x) }
func expPortable(_ x: Double) -> Double { gsl_sf_exp_portable(x) }
