namespace VoiceAgents.Functions.Analysis;

/// <summary>The vendor could not be reached or refused the request: the queue tries again, and the last try records the error.</summary>
public sealed class AnalysisVendorException(string message, Exception? inner = null) : Exception(message, inner);
