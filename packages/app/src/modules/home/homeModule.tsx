import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { HomePageRegionsAtAGlance } from '@meridian/plugin-regions';

/**
 * The home page's first card: the regions' health at a glance (RPO
 * breaches, not ready, down, over budget), from the regions backend.
 */
const regionsAtAGlanceWidget = HomePageWidgetBlueprint.make({
  name: 'regions-at-a-glance',
  params: {
    name: 'RegionsAtAGlance',
    title: 'Regions at a glance',
    description:
      'How many regions breach their RPO, are not ready, are down or are over budget',
    components: async () => ({
      Content: () => <HomePageRegionsAtAGlance />,
    }),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [regionsAtAGlanceWidget],
});
