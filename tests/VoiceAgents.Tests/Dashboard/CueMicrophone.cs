using Microsoft.Playwright;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>
/// A microphone that says its WAV when the test gives the cue, for calls whose caller must speak once the call is
/// live. Chromium's fake capture device plays its file from the moment the page opens the microphone, and the page
/// keeps only the last 2 s it captured before voice-host is ready (more would burst past voice-host's real-time
/// budget): on a loaded machine the call took longer than that to become ready, and the question went unheard. The
/// page still asks the browser for the microphone (so a refused permission is refused as before) and then gets the
/// WAV's stream, silent until <see cref="SpeakAsync"/>.
/// </summary>
public static class CueMicrophone
{
    /// <summary>Gives the pages of <paramref name="context"/> opened from now on this microphone, saying <paramref name="wavPath"/>.</summary>
    public static async Task InstallAsync(IBrowserContext context, string wavPath)
    {
        var wav = Convert.ToBase64String(await File.ReadAllBytesAsync(wavPath));
        await context.AddInitScriptAsync($$"""
            (() => {
              let cue;
              const cued = new Promise(resolve => (cue = resolve));
              window.cueMicrophone = () => cue();
              const media = navigator.mediaDevices;
              if (!media) return;
              const ask = media.getUserMedia.bind(media);
              media.getUserMedia = async constraints => {
                (await ask(constraints)).getTracks().forEach(t => t.stop());
                const ctx = new AudioContext();
                const bytes = Uint8Array.from(atob('{{wav}}'), c => c.charCodeAt(0));
                const speech = await ctx.decodeAudioData(bytes.buffer);
                const out = ctx.createMediaStreamDestination();
                cued.then(() => {
                  const source = ctx.createBufferSource();
                  source.buffer = speech;
                  source.connect(out);
                  source.start();
                });
                return out.stream;
              };
            })();
            """);
    }

    /// <summary>The caller speaks: the WAV starts playing into the call.</summary>
    public static Task SpeakAsync(IPage page) => page.EvaluateAsync("window.cueMicrophone()");
}
