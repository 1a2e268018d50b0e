using System.ComponentModel.DataAnnotations;

namespace Pipeline.Functions.Security;

/// <summary>The operator keys, under <c>Operator:Keys</c> (in local.settings.json: <c>Operator__Keys__0</c>, ...).</summary>
internal sealed class OperatorOptions : IValidatableObject
{
    public const string Section = "Operator";

    public List<string> Keys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Keys.Count == 0)
        {
            yield return new ValidationResult("Operator:Keys needs at least one key (Operator__Keys__0 in local.settings.json).", [nameof(Keys)]);
        }

        for (var i = 0; i < Keys.Count; i++)
        {
            if (Configuration.SecretRules.KeyProblem($"Operator:Keys:{i}", Keys[i]) is { } problem)
            {
                yield return new ValidationResult(problem, [nameof(Keys)]);
            }
        }
    }
}
