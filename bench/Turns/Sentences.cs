namespace VoiceAgents.Bench.Turns;

/// <summary>The bench's own sentences: what a caller says to a booking or support line, numbers in words.</summary>
internal static class Sentences
{
    public static readonly string[] Wer =
    [
        "I would like to book a table for two tonight",
        "Can you tell me your opening hours",
        "My order has not arrived yet",
        "I want to change my delivery address",
        "What is the price of the large pizza",
        "Please cancel my appointment for tomorrow",
        "Do you have any rooms available this weekend",
        "I need to speak to a manager",
        "The package was damaged when it arrived",
        "How long will the repair take",
        "I forgot my password and cannot log in",
        "Is there parking near the restaurant",
        "Can I pay with a credit card",
        "My account number is four five six seven",
        "I would like a refund please",
        "What time does the store close on Sunday",
        "Send me the receipt by email",
        "The heating in my room is not working",
        "Can I move my booking to next Friday",
        "I am calling about my internet connection",
        "Please book me a taxi to the airport",
        "Do you deliver to the city centre",
        "How much does shipping cost",
        "I would like to add a dessert to my order",
        "My flight has been delayed by three hours",
        "Can you check the status of my claim",
        "I need a doctor appointment this week",
        "What documents do I need to bring",
        "The water in the kitchen is leaking",
        "Thank you that is all I needed",
        "Please call me back in the afternoon",
        "I want to upgrade my phone plan",
    ];

    public static readonly Utterance[] Turns =
    [
        new(["I would like a table for two", "and a high chair for my son"], [600]),
        new(["I want to change the", "delivery address on my order"], [700]),
        new(["My number is four five six", "seven eight nine"], [800]),
        new(["Um", "I need to speak to a manager"], [700]),
        new(["Can you book me a taxi and", "send the receipt by email"], [900]),
        new(["The order number is two", "three four five"], [500]),
        new(["I am calling about the", "heating in my room"], [600]),
        new(["So", "can I move my booking to Friday"], [800]),
        new(["Please cancel my appointment and", "book a new one next week"], [400]),
        new(["My account is", "nine eight seven"], [700]),
        new(["I need a room for", "three nights"], [500]),
        new(["The package arrived and", "it was damaged"], [900]),
        Utterance.Whole("Can you tell me your opening hours"),
        Utterance.Whole("My order has not arrived yet"),
        Utterance.Whole("What is the price of the large pizza"),
        Utterance.Whole("Do you have any rooms available this weekend"),
        Utterance.Whole("How long will the repair take"),
        Utterance.Whole("Is there parking near the restaurant"),
        Utterance.Whole("Can I pay with a credit card"),
        Utterance.Whole("I would like a refund please"),
        Utterance.Whole("What time does the store close on Sunday"),
        Utterance.Whole("I am calling about my internet connection"),
        Utterance.Whole("How much does shipping cost"),
        Utterance.Whole("Thank you that is all I needed"),
    ];
}
