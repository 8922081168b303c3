using VoiceAgents.WebPubSubLocal;

// Reads WebPubSub:ConnectionString (env WebPubSub__ConnectionString), the same value the API and voice-host get, and
// listens where its Endpoint points (127.0.0.1 only).
LocalWebPubSub.Create(args).Run();
