namespace Pipeline.Functions.Security;

internal static class SecurityRegistration
{
    /// <summary>The operator and analyst keys (<c>Operator:*</c>, <c>Analyst:*</c>), the sessions they sign, the wrong-key limit, Entra ID's users, the audit trail and its record of role changes.</summary>
    public static IServiceCollection AddSecurity(this IServiceCollection services)
    {
        services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AnalystOptions>().BindConfiguration(AnalystOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<KeyRing>();
        services.AddSingleton<FailedKeys>();
        services.AddSingleton<PlatformPrincipals>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<RoleChanges>();
        return services;
    }
}
