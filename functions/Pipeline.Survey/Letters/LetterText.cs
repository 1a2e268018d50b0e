using System.Globalization;

namespace Pipeline.Survey.Letters;

/// <summary>The wording of one letter in one language; <c>{0}</c>-style holes are filled by <see cref="LetterRenderer"/>.</summary>
internal sealed record LetterText(
    string Culture,
    string Subject,
    string Salutation,
    IReadOnlyList<string> Body,
    string HowTo,
    string TokenLabel,
    string ScanLabel,
    string Deadline,
    string Questions,
    string Closing,
    string Sender)
{
    public CultureInfo CultureInfo => CultureInfo.GetCultureInfo(Culture);

    /// <summary>The reminder's line that says the paper questionnaire is enclosed (printed only when it is).</summary>
    public string Enclosure { get; init; } = string.Empty;

    /// <summary>The text of <paramref name="kind"/> in <paramref name="language"/> (nl, fr, de, en).</summary>
    public static LetterText For(LetterKind kind, string language) => (kind, language) switch
    {
        (LetterKind.Invitation, "nl") => NlInvitation,
        (LetterKind.Reminder, "nl") => NlInvitation with
        {
            Enclosure = "Bij deze brief vindt u ook een papieren vragenlijst. Liever op papier? Vul hem in en stuur hem gratis terug in de bijgevoegde envelop.",
            Subject = "Herinnering: uw mening over veiligheid in uw buurt",
            Body =
            [
                "Enkele weken geleden vroegen wij u per brief om deel te nemen aan de Veiligheidsmonitor. U hebt nog niet deelgenomen. Misschien is onze brief u ontgaan, of had u nog geen tijd.",
                "Uw antwoorden blijven belangrijk: alleen als genoeg inwoners meedoen, geven de resultaten een juist beeld van de veiligheid in uw buurt. Wie sindsdien al heeft deelgenomen, danken wij hartelijk; deze brief kruiste dan uw antwoord.",
                "Uw antwoorden worden volledig anoniem verwerkt. Ze worden nooit gekoppeld aan uw naam, uw adres of uw toegangscode.",
            ],
        },
        (LetterKind.Invitation, "fr") => FrInvitation,
        (LetterKind.Reminder, "fr") => FrInvitation with
        {
            Enclosure = "Vous trouverez aussi un questionnaire papier avec cette lettre. Vous préférez le papier ? Remplissez-le et renvoyez-le gratuitement dans l'enveloppe jointe.",
            Subject = "Rappel : votre avis sur la sécurité dans votre quartier",
            Body =
            [
                "Il y a quelques semaines, nous vous avons invité par courrier à participer au Moniteur de sécurité. Vous n'avez pas encore participé. Peut-être notre lettre vous a-t-elle échappé, ou vous n'avez pas encore trouvé le temps.",
                "Vos réponses restent importantes : ce n'est que si suffisamment d'habitants participent que les résultats reflètent fidèlement la sécurité de votre quartier. Si vous avez participé entre-temps, nous vous en remercions ; cette lettre a croisé votre réponse.",
                "Vos réponses sont traitées de manière entièrement anonyme. Elles ne sont jamais liées à votre nom, à votre adresse ni à votre code d'accès.",
            ],
        },
        (LetterKind.Invitation, "de") => DeInvitation,
        (LetterKind.Reminder, "de") => DeInvitation with
        {
            Enclosure = "Diesem Brief liegt auch ein Papierfragebogen bei. Lieber auf Papier? Füllen Sie ihn aus und senden Sie ihn kostenlos im beiliegenden Umschlag zurück.",
            Subject = "Erinnerung: Ihre Meinung zur Sicherheit in Ihrem Viertel",
            Body =
            [
                "Vor einigen Wochen haben wir Sie brieflich eingeladen, am Sicherheitsmonitor teilzunehmen. Sie haben noch nicht teilgenommen. Vielleicht ist Ihnen unser Brief entgangen, oder Sie hatten noch keine Zeit.",
                "Ihre Antworten bleiben wichtig: Nur wenn genügend Einwohner mitmachen, geben die Ergebnisse ein zutreffendes Bild der Sicherheit in Ihrem Viertel. Falls Sie inzwischen teilgenommen haben, danken wir Ihnen herzlich; dieser Brief hat sich dann mit Ihrer Antwort überschnitten.",
                "Ihre Antworten werden vollständig anonym verarbeitet. Sie werden nie mit Ihrem Namen, Ihrer Adresse oder Ihrem Zugangscode verknüpft.",
            ],
        },
        (LetterKind.Invitation, "en") => EnInvitation,
        (LetterKind.Reminder, "en") => EnInvitation with
        {
            Enclosure = "A paper questionnaire comes with this letter. Prefer paper? Fill it in and send it back free of charge in the enclosed envelope.",
            Subject = "Reminder: your view on safety in your neighbourhood",
            Body =
            [
                "A few weeks ago we invited you by letter to take part in the Safety Monitor. You have not yet taken part. Perhaps our letter escaped your attention, or you have not yet found the time.",
                "Your answers still matter: only if enough residents take part do the results give a true picture of safety in your neighbourhood. If you have taken part in the meantime, thank you; this letter crossed your reply.",
                "Your answers are processed fully anonymously. They are never linked to your name, your address or your access code.",
            ],
        },
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "Letters exist in nl, fr, de and en."),
    };

    private static readonly LetterText NlInvitation = new(
        "nl-BE",
        "Uw mening over veiligheid in uw buurt",
        "Beste {0},",
        [
            "U bent door toeval gekozen uit het bevolkingsregister om deel te nemen aan de Veiligheidsmonitor. Met deze bevraging peilen de politie en uw gemeente naar hoe u de veiligheid in uw buurt ervaart, naar buurtproblemen, naar slachtofferschap en naar de werking van de politie.",
            "De resultaten helpen de politie en het lokale bestuur om het veiligheidsbeleid en het zonaal veiligheidsplan uit te werken. Uw mening telt, ook als u zich veilig voelt of weinig met de politie te maken hebt.",
            "Uw antwoorden worden volledig anoniem verwerkt. Ze worden nooit gekoppeld aan uw naam, uw adres of uw toegangscode.",
        ],
        "Vul de vragenlijst in op {0} met de persoonlijke toegangscode hieronder. Dat duurt ongeveer 20 minuten.",
        "Uw toegangscode",
        "Of scan deze code met uw smartphone:",
        "U kunt deelnemen tot en met {0}.",
        "Vragen? Bel {0} of mail naar {1}.",
        "Alvast hartelijk dank voor uw medewerking.",
        "De korpschef en de burgemeester(s)");

    private static readonly LetterText FrInvitation = new(
        "fr-BE",
        "Votre avis sur la sécurité dans votre quartier",
        "Madame, Monsieur {0},",
        [
            "Vous avez été tiré(e) au sort dans le registre de la population pour participer au Moniteur de sécurité. Par cette enquête, la police et votre commune souhaitent savoir comment vous percevez la sécurité dans votre quartier, les problèmes de quartier, la victimisation et le fonctionnement de la police.",
            "Les résultats aident la police et les autorités locales à élaborer la politique de sécurité et le plan zonal de sécurité. Votre avis compte, même si vous vous sentez en sécurité ou avez peu de contacts avec la police.",
            "Vos réponses sont traitées de manière entièrement anonyme. Elles ne sont jamais liées à votre nom, à votre adresse ni à votre code d'accès.",
        ],
        "Complétez le questionnaire sur {0} avec le code d'accès personnel ci-dessous. Cela prend environ 20 minutes.",
        "Votre code d'accès",
        "Ou scannez ce code avec votre smartphone :",
        "Vous pouvez participer jusqu'au {0} inclus.",
        "Des questions ? Appelez le {0} ou écrivez à {1}.",
        "Nous vous remercions d'avance de votre collaboration.",
        "Le chef de corps et le(s) bourgmestre(s)");

    private static readonly LetterText DeInvitation = new(
        "de-BE",
        "Ihre Meinung zur Sicherheit in Ihrem Viertel",
        "Sehr geehrte(r) {0},",
        [
            "Sie wurden zufällig aus dem Bevölkerungsregister ausgewählt, um am Sicherheitsmonitor teilzunehmen. Mit dieser Befragung möchten die Polizei und Ihre Gemeinde erfahren, wie Sie die Sicherheit in Ihrem Viertel erleben, welche Probleme es dort gibt, ob Sie Opfer einer Straftat wurden und wie Sie die Arbeit der Polizei beurteilen.",
            "Die Ergebnisse helfen der Polizei und den örtlichen Behörden, die Sicherheitspolitik und den zonalen Sicherheitsplan auszuarbeiten. Ihre Meinung zählt, auch wenn Sie sich sicher fühlen oder wenig mit der Polizei zu tun haben.",
            "Ihre Antworten werden vollständig anonym verarbeitet. Sie werden nie mit Ihrem Namen, Ihrer Adresse oder Ihrem Zugangscode verknüpft.",
        ],
        "Füllen Sie den Fragebogen auf {0} mit dem persönlichen Zugangscode unten aus. Das dauert etwa 20 Minuten.",
        "Ihr Zugangscode",
        "Oder scannen Sie diesen Code mit Ihrem Smartphone:",
        "Sie können bis einschließlich {0} teilnehmen.",
        "Fragen? Rufen Sie {0} an oder schreiben Sie an {1}.",
        "Vielen Dank im Voraus für Ihre Mitarbeit.",
        "Der Korpschef und der/die Bürgermeister");

    private static readonly LetterText EnInvitation = new(
        "en-GB",
        "Your view on safety in your neighbourhood",
        "Dear {0},",
        [
            "You have been chosen at random from the population register to take part in the Safety Monitor. In this survey the police and your municipality ask how you experience safety in your neighbourhood, about problems in the neighbourhood, about crime you may have suffered, and about the work of the police.",
            "The results help the police and the local authorities to shape their safety policy and the zonal safety plan. Your view counts, even if you feel safe or have little to do with the police.",
            "Your answers are processed fully anonymously. They are never linked to your name, your address or your access code.",
        ],
        "Fill in the questionnaire at {0} with the personal access code below. It takes about 20 minutes.",
        "Your access code",
        "Or scan this code with your smartphone:",
        "You can take part until {0} inclusive.",
        "Questions? Call {0} or e-mail {1}.",
        "Thank you in advance for your help.",
        "The chief of police and the mayor(s)");
}
