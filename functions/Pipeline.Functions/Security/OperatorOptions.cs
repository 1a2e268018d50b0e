using System.ComponentModel.DataAnnotations;

namespace Pipeline.Functions.Security;

/// <summary>The keys of one role, under <c>{Section}:Keys</c> (in local.settings.json: <c>{Section}__Keys__0</c>, ...).</summary>
internal abstract class RoleKeys : IValidatableObject
{
    public List<string> Keys { get; set; } = [];

    protected abstract string Section { get; }

    /// <summary>Whether the role needs at least one key.</summary>
    protected virtual bool Required => false;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Required && Keys.Count == 0)
        {
            yield return new ValidationResult($"{Section}:Keys needs at least one key ({Section}__Keys__0 in local.settings.json).", [nameof(Keys)]);
        }

        for (var i = 0; i < Keys.Count; i++)
        {
            if (SecretRules.KeyProblem($"{Section}:Keys:{i}", Keys[i]) is { } problem)
            {
                yield return new ValidationResult(problem, [nameof(Keys)]);
            }
        }
    }
}

/// <summary>The operators' keys (<c>Operator:Keys</c>, at least one), and how many wrong keys a client may send.</summary>
internal sealed class OperatorOptions : RoleKeys
{
    public const string SectionName = "Operator";

    /// <summary>Wrong keys one client address may send per minute before it gets 429. Default 10.</summary>
    [Range(1, 10_000)]
    public int FailedKeysPerMinute { get; set; } = 10;

    protected override string Section => SectionName;

    protected override bool Required => true;
}

/// <summary>The analysts' keys (<c>Analyst:Keys</c>, optional): the aggregates and the dashboard only.</summary>
internal sealed class AnalystOptions : RoleKeys
{
    public const string SectionName = "Analyst";

    protected override string Section => SectionName;
}
