/**
 * The dashboard's names for the API's bodies. Every shape comes from api-types.ts, which dashboard/api-types.sh
 * generates from the API's OpenAPI document (ApiTypesTests fails when it is stale), so a renamed or retyped field
 * breaks the build here instead of a page at run time.
 */
import type { components } from './api-types';

type Schemas = components['schemas'];

/** A keyset page: the items, and the cursor of the next page when there is one. */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export type Providers = Schemas['ProvidersResponse'];
export type ProviderInfo = Providers['llm'][number];
export type ProviderOption = ProviderInfo['options'][number];
export type ProviderKeyStatus = Providers['keys'][number];
export type ProviderCredential = Schemas['ProviderCredentialResponse'];
export type ProviderCredentialList = Schemas['ProviderCredentialList'];

export type Agent = Schemas['AgentResponse'];
export type AgentRequest = Schemas['AgentRequest'];
export type AgentRule = Agent['rules'][number];

export type CampaignSummary = Schemas['PageOfCampaignSummary']['items'][number];
export type Campaign = Schemas['CampaignResponse'];
export type CampaignRequest = Schemas['CampaignRequest'];
export type CampaignStatus = Campaign['status'];

export type CallLogSummary = Schemas['PageOfCallLogSummary']['items'][number];
export type CallLogDetail = Schemas['CallLogDetail'];
export type CallStatus = CallLogDetail['status'];
export type TurnMetrics = CallLogDetail['turns'][number];

export type Transcript = Schemas['TranscriptResponse'];
export type TranscriptTurn = Transcript['turns'][number];

export type Analytics = Schemas['AnalyticsResponse'];

export type InboundNumber = Schemas['InboundNumberResponse'];
export type InboundNumberRequest = Schemas['InboundNumberRequest'];
export type Usage = Schemas['UsageResponse'];
export type UsageFigures = Usage['totals'];

export type User = Schemas['MeResponse'];
export type Tokens = Schemas['TokenResponse'];
export type SignupRequest = Schemas['SignupRequest'];
export type SignupResponse = Schemas['SignupResponse'];
export type NegotiateResponse = Schemas['NegotiateResponse'];

export type AgentTool = Agent['tools'][number];
export type AgentToolType = AgentTool['type'];
export type TransferDestination = Agent['transfer_destinations'][number];
export type AgentPreview = Schemas['AgentPreviewResponse'];
export type ToolCall = NonNullable<TranscriptTurn['tool']>;

export type ApiKeyScope = 'read' | 'write' | 'calls';
export type ApiKey = Schemas['ApiKeyList']['items'][number];
/** The answer to creating a key: the only time its secret is seen. */
export type NewApiKey = Schemas['ApiKeyCreated'];
export type PublishableKey = Schemas['PublishableKeyResponse'];

export type KnowledgeBase = Schemas['KnowledgeBaseResponse'];
export type KnowledgeDocument = Schemas['KnowledgeDocumentResponse'];
export type AgentKnowledgeBase = Agent['knowledge_bases'][number];
/** A passage the search endpoint (GET /knowledge-bases/{id}/search) found, best first. */
export interface KnowledgeSearchResult {
  chunk_id: string;
  document_id: string;
  source: string;
  heading?: string | null;
  position: number;
  text: string;
  score: number;
}
